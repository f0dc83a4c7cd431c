from django.http import HttpResponse


def healthz(request):
    """A health check for load balancers: answers without touching the database.

    It is also the framework's ceiling in the benchmarks (bench/): the least a
    request to this app can cost.
    """
    return HttpResponse("ok\n", content_type="text/plain")

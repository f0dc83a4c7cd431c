"""Search across cases, entries and parties (built in issue 5)."""

from django.shortcuts import render


def search(request):
    query = request.GET.get("q", "")
    return render(request, "search.html", {"search_query": query})

"""Admin login throttling (django-axes): whose address a login comes from, and two limits.

django-axes reads the client's address from REMOTE_ADDR unless django-ipware is
installed (it is not) or AXES_CLIENT_IP_CALLABLE names a function: that is
client_address below. Behind the TLS proxy every request comes from the
proxy, so without it one client's failures locked everyone else out.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def client_address(request):
    """The address of the client that sent this request.

    With settings.TRUSTED_PROXY_HOPS = n, the request passed through n proxies,
    each of which appended the address it received the request from to
    X-Forwarded-For (as nginx's $proxy_add_x_forwarded_for and cloud load
    balancers do). The n-th entry from the right is the address the outermost
    proxy saw: the client. Entries further left are whatever the client sent
    in its own header, so they are never used. Without proxies, or when the
    header has no usable entry there, REMOTE_ADDR is the address.
    """
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_HOPS
    if not hops:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-hops].strip()))
    except ValueError:
        return remote


class LoginThrottlingHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for the address alone.

    axes compares every lockout parameter's failure count with one limit,
    AXES_FAILURE_LIMIT. An address shared by several editors (an office) needs
    more room than one username there, so failures counted for the address
    alone ("ip_address" in AXES_LOCKOUT_PARAMETERS) lock out at
    LOGIN_ADDRESS_FAILURE_LIMIT instead.
    """

    def reset_user_attempts(self, request, credentials=None):
        """After a successful login, forget that username's failures from that address only.

        axes would also delete the address-only count, so that anyone with a working
        account could guess another's password without limit: four failures, log in,
        repeat. The other usernames' failures from the address keep counting.
        """
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.filter_user_attempts(request, credentials)
        return sum(
            recent.delete()[0]
            for parameter, recent in zip(parameters, attempts, strict=True)
            if not address_only(parameter)
        )

    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        worst = 0
        for parameter, recent in zip(parameters, attempts, strict=True):
            failures = recent.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if address_only(parameter):
                # On the per-username scale: locked out, or not yet counted.
                failures = limit if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT else 0
            worst = max(worst, failures)
        return worst


def address_only(parameter):
    """Whether a lockout parameter counts failures by the address alone."""
    return parameter in ("ip_address", ["ip_address"])

"""The service's rate limiter: Flask-Limiter, with only the limits that views declare.

Every limit of the service sits on a view (`@limiter.limit(...)`: logins, codes, resets,
sign-ups), and Flask-Limiter checks those in the view's own wrapper. The check it also runs
before every request is for default, application-wide and blueprint limits, of which the
service has none; it still cost about 9% of the work of a quiz submission (benchmarks/
service_load.py, instructions counted with valgrind), on every page. So that check is skipped
while there is nothing for it to check, and runs again the moment such a limit is added.
"""

from __future__ import annotations

from flask_limiter import Limiter


class ViewLimiter(Limiter):
    def _limits_beyond_views(self) -> bool:
        manager = self.limit_manager
        return bool(
            manager.default_limits
            or manager.application_limits
            # No public accessor in Flask-Limiter 4; a rename fails loudly, not silently.
            or manager._blueprint_limits
            or self._meta_limits
        )

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if in_middleware and not self._limits_beyond_views():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

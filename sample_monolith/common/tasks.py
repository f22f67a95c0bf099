"""A tiny stand-in for Celery: ``@shared_task`` functions that run inline.

The shop used Celery once; the broker went away but the call sites did not. Tasks keep
Celery's surface (``@shared_task``, ``@shared_task(name=...)``, ``.delay()``,
``.apply_async()``) and run synchronously, recording every call in ``TASK_LOG`` so tests
and the admin can see what ran.
"""

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar, overload

from django.conf import settings

logger = logging.getLogger("shop.tasks")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class TaskCall:
    """One recorded run of a task."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    error: str = ""


TASK_LOG: deque[TaskCall] = deque(maxlen=1000)
REGISTRY: dict[str, "Task[..., Any]"] = {}


@dataclass(frozen=True)
class EagerResult(Generic[R]):
    """What ``.delay()`` returns: the value, or the error text when the task failed."""

    value: R | None
    ok: bool
    error: str = ""

    def get(self) -> R | None:
        return self.value


class Task(Generic[P, R]):
    """A function registered as a background task."""

    def __init__(self, func: Callable[P, R], name: str, max_retries: int = 0) -> None:
        self.func = func
        self.name = name
        self.max_retries = max_retries
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self.__module__ = func.__module__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.func(*args, **kwargs)

    def delay(self, *args: P.args, **kwargs: P.kwargs) -> EagerResult[R]:
        return self.apply_async(args=args, kwargs=kwargs)

    def apply_async(
        self,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        countdown: int | None = None,
    ) -> EagerResult[R]:
        """Run now (``countdown`` is accepted for compatibility and ignored)."""
        kwargs = kwargs or {}
        attempts = self.max_retries + 1
        error = ""
        for _ in range(attempts):
            try:
                value = self.func(*args, **kwargs)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                logger.warning("task %s failed: %s", self.name, error)
                if getattr(settings, "SHOP_TASKS_EAGER_PROPAGATES", False):
                    TASK_LOG.append(TaskCall(self.name, args, kwargs, ok=False, error=error))
                    raise
                continue
            TASK_LOG.append(TaskCall(self.name, args, kwargs))
            return EagerResult(value=value, ok=True)
        TASK_LOG.append(TaskCall(self.name, args, kwargs, ok=False, error=error))
        return EagerResult(value=None, ok=False, error=error)


@overload
def shared_task(func: Callable[P, R]) -> Task[P, R]: ...


@overload
def shared_task(
    *, name: str | None = None, max_retries: int = 0
) -> Callable[[Callable[P, R]], Task[P, R]]: ...


def shared_task(
    func: Callable[P, R] | None = None, *, name: str | None = None, max_retries: int = 0
) -> Task[P, R] | Callable[[Callable[P, R]], Task[P, R]]:
    """Register ``func`` as a task; usable bare or with arguments, like Celery's."""

    def decorate(f: Callable[P, R]) -> Task[P, R]:
        task = Task(f, name or f"{f.__module__}.{f.__name__}", max_retries=max_retries)
        REGISTRY[task.name] = task
        return task

    if func is not None:
        return decorate(func)
    return decorate


# The name this codebase used before the Celery migration; kept for old call sites.
background_task = shared_task

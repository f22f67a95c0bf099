# The monolith's billing.models re-exports, kept for the modules carried by `demonolith extract`.
from .invoice import *  # noqa: F403
from .attachment import *  # noqa: F403

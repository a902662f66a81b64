"""Per-user flood limiting: at most N questions per sliding window of T seconds."""

from __future__ import annotations

import enum
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class Verdict(enum.Enum):
    """Outcome of :meth:`FloodLimiter.check`."""

    #: Go ahead and answer.
    ALLOW = "allow"
    #: Over the limit; tell the user once (politely) how long to wait.
    NOTIFY = "notify"
    #: Over the limit and already told; drop silently.
    SILENT = "silent"


class FloodLimiter:
    """Sliding-window limiter keyed by user id, bounded in memory.

    ``check(user)`` records an accepted event and answers :attr:`Verdict.ALLOW` while the user
    had fewer than ``max_events`` accepted events in the last ``window`` seconds. Beyond that
    the first rejected event answers :attr:`Verdict.NOTIFY` (reply politely once) and further
    rejected events answer :attr:`Verdict.SILENT` until a slot frees up, so a flooding user
    cannot make the bot flood the chat with "please wait" replies. Rejected events are not
    recorded. At most ``max_users`` users are tracked (least recently seen are forgotten).
    """

    def __init__(
        self,
        max_events: int = 20,
        window: float = 10.0,
        *,
        max_users: int = 100_000,
        exempt: frozenset[int] = frozenset(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create a limiter; ``exempt`` user ids (e.g. administrators) are never limited."""
        if max_events < 1 or window <= 0 or max_users < 1:
            raise ValueError("max_events, window and max_users must be positive")
        self.max_events = max_events
        self.window = window
        self.max_users = max_users
        self.exempt = exempt
        self._clock = clock
        self._events: OrderedDict[int, deque[float]] = OrderedDict()
        self._notified_until: dict[int, float] = {}
        self._lock = threading.Lock()

    def check(self, user_id: int | None) -> Verdict:
        """Record an event of ``user_id`` (None = unknown sender, never limited)."""
        if user_id is None or user_id in self.exempt:
            return Verdict.ALLOW
        now = self._clock()
        with self._lock:
            events = self._events.get(user_id)
            if events is None:
                events = deque()
                self._events[user_id] = events
            else:
                self._events.move_to_end(user_id)
            horizon = now - self.window
            while events and events[0] <= horizon:
                events.popleft()
            if len(events) < self.max_events:
                events.append(now)
                self._notified_until.pop(user_id, None)
                self._evict()
                return Verdict.ALLOW
            if now >= self._notified_until.get(user_id, -math.inf):
                self._notified_until[user_id] = events[0] + self.window
                return Verdict.NOTIFY
            return Verdict.SILENT

    def retry_after(self, user_id: int) -> float:
        """Seconds until ``user_id`` may ask again (0 when allowed now)."""
        now = self._clock()
        with self._lock:
            events = self._events.get(user_id)
            if not events or len(events) < self.max_events:
                return 0.0
            return max(events[0] + self.window - now, 0.0)

    def __len__(self) -> int:
        return len(self._events)

    def _evict(self) -> None:
        while len(self._events) > self.max_users:
            user_id, _ = self._events.popitem(last=False)
            self._notified_until.pop(user_id, None)

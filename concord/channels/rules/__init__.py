"""The lawful dispute-resolution channels as data, with their statutory clocks.

Pure module: no Django import. Every user-facing string is stored twice, as ``*_zh`` and
``*_en``, so the Django layer can show the right one (and feed them to translation catalogues)
without this module importing gettext.

Sources and grades come from PROCESS_RULES.md: A = statute or regulation read in full,
B = official document seen in a secondary copy, C = practice or a local draft. Grade C values,
local regulations and platform policies are configurable defaults: ``compute_clock`` accepts an
``amount`` override only for clocks marked ``configurable``.

Day counting follows ``concord.core.calendar``: the start day is not counted and a deadline
that ends on a non-working day rolls to the next working day (民事诉讼法 art 85). In the
行政复议法 only "3/5/7/10 日" mean working days (art 88); its 60-day periods are calendar days.
信访工作条例 does not define "日"; it is read as calendar days with roll-over, and a deployment
may switch those clocks to working days (``unit_configurable``).

The package is split by subject; import from `concord.channels.rules` as before.
"""

from .base import (
    START_LABELS,
    Channel,
    Citation,
    ClockKind,
    ClockKindRow,
    ClockResult,
    ClockRule,
    Document,
    ExtensionError,
    Grade,
    Holder,
    LimitationWarning,
    Nature,
    Question,
    Restart,
    RouteNotice,
    RouteOption,
    RouteRule,
    RulesError,
    StartEvent,
    UnknownChannel,
)
from .clocks import compute_clock, limitation_warning, validate_extension
from .notices import route_notice
from .table import (
    BJ,
    CD,
    CHANNELS,
    HR,
    JN,
    LDZY,
    MFD,
    MO,
    MSSS,
    POLICY,
    RMTJ,
    SPC_CONFIRM,
    SZ,
    TDCB,
    WD,
    XF,
    XZFY,
    XZSS,
    YR,
    K,
    S,
    clock_kind_table,
    get_channel,
)

__all__ = [
    "BJ",
    "CD",
    "CHANNELS",
    "Channel",
    "Citation",
    "ClockKind",
    "ClockKindRow",
    "ClockResult",
    "ClockRule",
    "Document",
    "ExtensionError",
    "Grade",
    "Holder",
    "Nature",
    "clock_kind_table",
    "HR",
    "JN",
    "K",
    "LDZY",
    "LimitationWarning",
    "MFD",
    "MO",
    "MSSS",
    "POLICY",
    "Question",
    "RMTJ",
    "Restart",
    "RouteNotice",
    "RouteOption",
    "RouteRule",
    "RulesError",
    "S",
    "SPC_CONFIRM",
    "START_LABELS",
    "SZ",
    "StartEvent",
    "TDCB",
    "UnknownChannel",
    "WD",
    "XF",
    "XZFY",
    "XZSS",
    "YR",
    "compute_clock",
    "get_channel",
    "limitation_warning",
    "route_notice",
    "validate_extension",
]

"""The arguments every docking event list shares (root list, reverse relations, the Relay
connections, statistics, the subscription), declared once.

``EVENT_FILTERS`` lists the filter arguments, in schema order, each with its type and
description; ``event_filter_arguments`` puts them into a resolver's signature in place of its
``where: EventFilter`` parameter and hands the resolver the ``EventFilter`` built from them by
keyword. A new filter is one entry here and one field (and its condition) on ``EventFilter``;
an import-time check refuses the two lists disagreeing, so no list can forget it."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry

from gql_server.graphql.enums import DockingEventOrdering, DockingRole
from gql_server.graphql.errors import bad_input
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.queries.docking_events import EventFilter, Ordering


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


LIMIT = f"Page size, 1 to 100 (LL2 `limit`); null means {DEFAULT_LIMIT}. Out of range is an error."
OFFSET = "How many matches to skip (LL2 `offset`), 0 or more; null means 0."


@dataclass(frozen=True)
class FilterArgument:
    """One filter argument: its Python name (the ``EventFilter`` field it fills; GraphQL
    camel-cases it), its annotated type (type, description) and, when the value needs it,
    the check that turns it into the filter's value (raising BAD_USER_INPUT)."""

    name: str
    annotation: Any
    check: Callable[[str, Any], Any] | None = None


def any_of(low: int, high: int, most: int) -> Callable[[str, Any], tuple[int, ...] | None]:
    """The check of a list of calendar numbers, any of which matches: each from ``low`` to
    ``high``, at most ``most`` distinct ones; repeats count once; an empty list (as LL2 reads
    an empty parameter) filters nothing. Sorted: equal sets make equal (cached) filters."""

    def check(argument: str, values: list[int] | None) -> tuple[int, ...] | None:
        if not values:
            return None
        wrong = [value for value in values if not low <= value <= high]
        if wrong:
            raise bad_input(
                f"`{argument}` takes numbers from {low} to {high}; got {wrong[0]}",
                argument=argument,
            )
        distinct = tuple(sorted(set(values)))
        if len(distinct) > most:
            raise bad_input(
                f"`{argument}` takes at most {most} distinct values; got {len(distinct)}",
                argument=argument,
            )
        return distinct

    return check


def _any_of(what: str, ll2: str, low: int, high: int, most: int | None = None) -> str:
    limit = f", at most {most} distinct" if most else ""
    return (
        f"The {what} of docking, in UTC, is any of these (LL2 2.4.0 `{ll2}`, comma-separated "
        f"there): each {low} to {high}{limit}, else BAD_USER_INPUT. An empty list filters "
        "nothing."
    )


YEARS = (1, 9999)  # the years an instant (a date-time) can have
MAX_YEARS = 100  # distinct years in one `dockingYear`: a statement's IN list stays short

# The filters, in the order the schema lists them on every event list.
EVENT_FILTERS: tuple[FilterArgument, ...] = (
    FilterArgument(
        "docking_gt",
        Annotated[datetime | None, arg("Docked strictly after this instant (`docking__gt`).")],
    ),
    FilterArgument(
        "docking_gte",
        Annotated[datetime | None, arg("Docked at or after this instant (`docking__gte`).")],
    ),
    FilterArgument(
        "docking_lt",
        Annotated[datetime | None, arg("Docked strictly before this instant (`docking__lt`).")],
    ),
    FilterArgument(
        "docking_lte",
        Annotated[datetime | None, arg("Docked at or before this instant (`docking__lte`).")],
    ),
    FilterArgument(
        "docked_at",
        Annotated[
            datetime | None,
            arg(
                "Attached at this instant: docked at or before it and not yet departed "
                "(departure null or strictly after it). Not an LL2 filter."
            ),
        ],
    ),
    FilterArgument(
        "docking_location_id",
        Annotated[
            int | None, arg("At the docking location with this LL2 id (`docking_location__id`).")
        ],
    ),
    FilterArgument(
        "flight_vehicle_chaser_id",
        Annotated[
            int | None,
            arg("Chaser is the spacecraft flight with this LL2 id (`flight_vehicle_chaser__id`)."),
        ],
    ),
    FilterArgument(
        "space_station_target_id",
        Annotated[
            int | None, arg("Target is the station with this LL2 id (`space_station_target__id`).")
        ],
    ),
    FilterArgument(
        "search",
        Annotated[
            str | None,
            arg(
                "LL2 `search`: every term must occur, case-insensitively, in one of the docking "
                "location's name, the chaser's or target's spacecraft, payload or station name. "
                "Terms split on whitespace and commas; quoted phrases stay whole. Blank filters "
                "nothing."
            ),
        ],
    ),
    # LL2 2.4.0's filters.
    FilterArgument(
        "docked",
        Annotated[
            bool | None,
            arg(
                "LL2 2.4.0 `docked`: true keeps the events still attached (no departure "
                "recorded), false those that have departed; null: both."
            ),
        ],
    ),
    FilterArgument(
        "docking_year",
        Annotated[list[int] | None, arg(_any_of("year", "docking__year", *YEARS, most=MAX_YEARS))],
        any_of(*YEARS, most=MAX_YEARS),
    ),
    FilterArgument(
        "docking_month",
        Annotated[list[int] | None, arg(_any_of("month", "docking__month", 1, 12))],
        any_of(1, 12, most=12),
    ),
    FilterArgument(
        "docking_day",
        Annotated[list[int] | None, arg(_any_of("day of the month", "docking__day", 1, 31))],
        any_of(1, 31, most=31),
    ),
)

_FILTER_NAMES = tuple(argument.name for argument in EVENT_FILTERS)
# A filter declared here but not on EventFilter (or the reverse) is a bug to catch at import.
if set(_FILTER_NAMES) != {f.name for f in dataclasses.fields(EventFilter)}:
    raise AssertionError(
        "EVENT_FILTERS and EventFilter disagree: "
        f"{sorted(set(_FILTER_NAMES) ^ {f.name for f in dataclasses.fields(EventFilter)})}"
    )

OrderingArg = Annotated[
    list[DockingEventOrdering] | None,
    arg(
        "Sort keys applied in order (LL2 `ordering`); ties break by id. Default: docking ascending."
    ),
]
Limit = Annotated[int | None, arg(LIMIT)]
Offset = Annotated[int | None, arg(OFFSET)]
Role = Annotated[
    DockingRole | None,
    arg("Only events where this object is the chaser, or only the target; null: either."),
]

# The cursor arguments of every docking-event connection, root and nested.
First = Annotated[
    int | None,
    arg(
        "Forward paging: at most this many events (0 to 100) after `after`. With "
        f"neither `first` nor `last`, `first` is {DEFAULT_LIMIT}."
    ),
]
After = Annotated[str | None, arg("Start after this cursor (an edge's `cursor`, `endCursor`).")]
Last = Annotated[
    int | None,
    arg("Backward paging: at most this many events (0 to 100), the last before `before`."),
]
Before = Annotated[str | None, arg("End before this cursor (an edge's `cursor`, `startCursor`).")]

NO_FILTER = EventFilter()  # the default of a resolver's ``where``, replaced by the arguments


_CHECKS = {a.name: a.check for a in EVENT_FILTERS if a.check is not None}


def event_filter(**values: Any) -> EventFilter:
    """The ``EventFilter`` of the filter arguments given by name (absent ones: null), each
    checked (BAD_USER_INPUT naming the argument)."""
    unknown = set(values) - set(_FILTER_NAMES)
    if unknown:
        raise TypeError(f"not event filters: {sorted(unknown)}")
    for name, check in _CHECKS.items():
        if name in values:
            values[name] = check(_camel(name), values[name])
    return EventFilter(**values)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


F = TypeVar("F", bound=Callable[..., Any])


def event_filter_arguments(*, drop: Iterable[str] = ()) -> Callable[[F], F]:
    """A resolver decorator: the resolver's ``where`` parameter becomes the filter arguments
    (``EVENT_FILTERS``, at that place in the argument order) and the resolver receives the
    ``EventFilter`` they make. ``drop`` names parameters (with defaults) to leave out of the
    schema: the resolver gets their defaults (one resolver with and without ``role``)."""
    dropped = frozenset(drop)

    def decorate(resolver: F) -> F:
        signature = inspect.signature(resolver)
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.name in dropped:
                if parameter.default is inspect.Parameter.empty:
                    raise TypeError(f"{resolver.__name__}: {parameter.name} has no default")
                continue
            if parameter.name != "where":
                parameters.append(parameter)
                continue
            parameters.extend(
                inspect.Parameter(
                    argument.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=argument.annotation,
                    default=None,
                )
                for argument in EVENT_FILTERS
            )
        if len(parameters) == len(signature.parameters) - len(dropped):
            raise TypeError(f"{resolver.__name__} takes no `where` parameter")
        # Keyword-only from the filters on: strawberry passes arguments by name.
        seen_where = False
        for i, parameter in enumerate(parameters):
            seen_where = seen_where or parameter.name == _FILTER_NAMES[0]
            if seen_where and parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
                parameters[i] = parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY)

        def where_of(kwargs: dict[str, Any]) -> dict[str, Any]:
            values = {name: kwargs.pop(name, None) for name in _FILTER_NAMES}
            kwargs["where"] = event_filter(**values)
            return kwargs

        wrapper: Callable[..., Any]
        if inspect.iscoroutinefunction(resolver):

            @functools.wraps(resolver)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                return await resolver(*args, **where_of(kwargs))

        else:

            @functools.wraps(resolver)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                return resolver(*args, **where_of(kwargs))

        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        annotations = {
            name: value
            for name, value in resolver.__annotations__.items()
            if name != "where" and name not in dropped
        }
        annotations.update({argument.name: argument.annotation for argument in EVENT_FILTERS})
        wrapper.__annotations__ = annotations
        return wrapper  # type: ignore[return-value]

    return decorate


def orderings(ordering: list[DockingEventOrdering] | None) -> tuple[Ordering, ...]:
    return tuple(key.to_query() for key in ordering or [])

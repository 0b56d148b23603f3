"""Impact summaries (domain.md §4–§5): exact figures for one event, a sponsor's events or a
project, computed from database aggregates.

A handful of grouped queries (fixed in number, whatever the size of the event) return additive
integer sums per event: counts, Σ before, Σ after, Σ change² and the cells of paired 2×2 tables.
Integer sums are exact in SQL and in Python, so means and standard deviations follow without
rounding error, and per-event sums add up to a scope's. The statistics themselves come from
:mod:`surveys.statistics`; what a sponsor may see of them is decided in :mod:`surveys.report`.

Paired means: the same pseudonym answered the baseline (T0) and the follow-up (T2), neither
withdrawn. Reach comes from registrations: "registered" are the participants of confirmed
registrations, "attended" those of them with a valid check-in.

Several events in one scope (a sponsor's or a project's): a figure of an event with fewer than
10 contributing people could be worked out by subtracting the other events' published figures
from the scope's. Such small events are therefore left out of that figure, unless the small events
together reach 10 (then only their combined figure could be worked out, which is allowed); the
summary says how many people were left out.

A *project* is the set of events one lead organisation runs under one funding action: the unit
a grant is reported for. (The model has no project of its own; a not-for-profit sport event
grant usually funds one event, and a series of local events is one event with several venues.)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Cast

from events.models import Event, EventStatus, Sponsorship
from registrations.ages import age_group_case
from registrations.models import (
    CheckIn,
    CheckInResult,
    Participant,
    RegistrationStatus,
    Role,
)
from surveys import statistics as stats
from surveys.models import Invitation, Respondent, Response, Wave, WaveKind

T0, T1, T2 = WaveKind.BASELINE.value, WaveKind.EXPERIENCE.value, WaveKind.FOLLOW_UP.value
THRESHOLD = 10  # people behind any figure that combines several events (domain.md §6)

# Continuous outcomes, paired T0 → T2: the change that counts as an improvement (None: not
# reported as a share).
CONTINUOUS = {"who5": stats.WHO5_MEANINGFUL_CHANGE, "active_days": None, "ucla3": None}
# Yes/no outcomes, paired T0 → T2: the field and the condition on it that means "yes".
YES_NO = {
    "health_good": ("health_good", {"": True}),
    "active": ("active_days", {"__gte": 5}),
    "lonely_often": ("lonely_often", {"": True}),
}
# Shares of one wave's answers (never reported as change).
FEWER_OPPORTUNITIES = "fewer_opportunities"
EXPERIENCE = ("felt_welcome", "met_other_countries", "intend_active")
LEGACY = ("joined_club", "new_activity", "volunteered")
SHARE_FIELDS = (FEWER_OPPORTUNITIES, *EXPERIENCE, *LEGACY)
REACH_DIMENSIONS = ("country", "age_group", "gender", "role")

CAVEATS = (
    "single_group",
    "no_control_group",
    "self_report",
    "regression_to_the_mean",
    "non_response",
    "experience_not_change",
)


@dataclass(frozen=True)
class WaveInfo:
    event_id: int
    kind: str
    instrument_version: str
    closed: bool


@dataclass(frozen=True)
class MeanInterval:
    """The mean of one wave's scores of the paired people, with its 95 % t-interval."""

    mean: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Summary:
    """Exact figures. Never shown as they are to sponsors: see :mod:`surveys.report`."""

    event_ids: tuple[int, ...]
    waves: tuple[WaveInfo, ...]
    registered: int
    attended: int
    consented: int
    volunteers_registered: int
    volunteers_attended: int
    # dimension → [(code, registered, attended)], largest first
    reach: Mapping[str, list[tuple[str, int, int]]]
    answered: Mapping[str, int]  # wave kind → respondents who answered
    n_paired: int
    invited: Mapping[str, int]  # wave kind → invitations sent
    invitations_answered: Mapping[str, int]
    continuous: Mapping[str, stats.PairedChange]
    wave_means: Mapping[str, tuple[MeanInterval, MeanInterval]]  # before, after
    yes_no: Mapping[str, stats.PairedYesNo]
    fewer_opportunities: stats.Proportion
    experience: Mapping[str, stats.Proportion]
    experience_wave: str | None
    legacy: Mapping[str, stats.Proportion]
    # figure → people left out of it because their event had fewer than 10 (several events)
    left_out: Mapping[str, int] = field(default_factory=dict)

    @property
    def consent_rate(self) -> stats.Proportion:
        return stats.proportion(self.consented, self.registered)

    @property
    def follow_up_rate(self) -> stats.Proportion:
        """Who answered the follow-up of those invited to it (not computable without
        invitations)."""
        answered = self.invitations_answered.get(T2, 0)
        return stats.proportion(min(answered, self.invited.get(T2, 0)), self.invited.get(T2, 0))

    @property
    def retention(self) -> stats.Proportion:
        """Who answered both times, of those who answered the baseline."""
        return stats.proportion(min(self.n_paired, self.answered.get(T0, 0)), self.answered[T0])

    @property
    def smallest_detectable_d_z(self) -> float | None:
        return stats.smallest_detectable_d_z(self.n_paired)

    @property
    def low_precision(self) -> bool:
        return self.n_paired < stats.LOW_PRECISION_BELOW

    @property
    def instrument_versions(self) -> dict[str, list[str]]:
        versions: dict[str, set[str]] = {}
        for wave in self.waves:
            versions.setdefault(wave.kind, set()).add(wave.instrument_version)
        return {kind: sorted(found) for kind, found in sorted(versions.items())}

    @property
    def closed_waves(self) -> list[str]:
        return sorted({wave.kind for wave in self.waves if wave.closed})

    @property
    def country_count(self) -> int:
        return sum(1 for _code, _registered, attended in self.reach["country"] if attended)


# --- Queries: one row of additive sums per event ------------------------------------------


def _reach(event_ids: Collection[int], sums: dict[int, Counter]) -> None:
    """One grouped query by every reach dimension at once (a few hundred groups at most),
    added up per dimension here."""
    valid = CheckIn.objects.filter(participant=OuterRef("pk"), result=CheckInResult.VALID)
    rows = (
        Participant.objects.filter(
            registration__event_id__in=event_ids,
            registration__status=RegistrationStatus.CONFIRMED,
        )
        .annotate(
            age_group=age_group_case("year_of_birth", "registration__event__starts_on"),
            attended=Exists(valid),
        )
        .values("registration__event_id", *REACH_DIMENSIONS)
        .annotate(
            registered=Count("pk"),
            attended_count=Count("pk", filter=Q(attended=True)),
            consented=Count("pk", filter=Q(survey_consent_at__isnull=False)),
        )
        .order_by()
    )
    for row in rows:
        counter = sums[row["registration__event_id"]]
        registered, attended = row["registered"], row["attended_count"]
        counter["registered"] += registered
        counter["attended"] += attended
        counter["consented"] += row["consented"]
        for dimension in REACH_DIMENSIONS:
            code = str(row[dimension])
            counter[f"reach:{dimension}:{code}:registered"] += registered
            counter[f"reach:{dimension}:{code}:attended"] += attended


def _answers(wave_ids: Collection[int], sums: dict[int, Counter]) -> None:
    shares = {}
    for name in SHARE_FIELDS:
        shares[f"yes_{name}"] = Count("pk", filter=Q(**{name: True}))
        shares[f"n_{name}"] = Count(name)
    rows = (
        Response.objects.filter(wave_id__in=wave_ids, respondent__withdrawn_at__isnull=True)
        .values("wave__event_id", "wave__kind")
        .annotate(answered=Count("pk"), **shares)
        .order_by()
    )
    for row in rows:
        counter, kind = sums[row["wave__event_id"]], row["wave__kind"]
        counter[f"answered:{kind}"] += row["answered"]
        for name in SHARE_FIELDS:
            counter[f"share:{kind}:{name}:yes"] += row[f"yes_{name}"]
            counter[f"share:{kind}:{name}:n"] += row[f"n_{name}"]


def _int(expression) -> Cast:
    return Cast(expression, IntegerField())


def _paired(event_ids, t0_ids, t2_ids, sums: dict[int, Counter]) -> None:
    """One pass over the paired respondents: a respondent joined to their T0 and T2 answers."""
    both = Q(before__isnull=False, after__isnull=False)
    aggregates = {"paired": Count("pk")}
    for name, improvement in CONTINUOUS.items():
        before, after = _int(F(f"before__{name}")), _int(F(f"after__{name}"))
        given = Q(**{f"before__{name}__isnull": False, f"after__{name}__isnull": False})
        change = after - before
        aggregates |= {
            f"c_{name}_n": Count("pk", filter=given),
            f"c_{name}_sb": Sum(before, filter=given),
            f"c_{name}_sa": Sum(after, filter=given),
            f"c_{name}_sbb": Sum(before * before, filter=given),
            f"c_{name}_saa": Sum(after * after, filter=given),
            f"c_{name}_sdd": Sum(change * change, filter=given),
        }
        if improvement is not None:
            aggregates[f"c_{name}_improved"] = Count(
                "pk",
                filter=given & Q(**{f"after__{name}__gte": F(f"before__{name}") + improvement}),
            )
    for name, (column, condition) in YES_NO.items():
        lookup, value = next(iter(condition.items()))
        yes_before = Q(**{f"before__{column}{lookup}": value})
        yes_after = Q(**{f"after__{column}{lookup}": value})
        given = Q(**{f"before__{column}__isnull": False, f"after__{column}__isnull": False})
        aggregates |= {
            f"yn_{name}_yy": Count("pk", filter=given & yes_before & yes_after),
            f"yn_{name}_yn": Count("pk", filter=given & yes_before & ~yes_after),
            f"yn_{name}_ny": Count("pk", filter=given & ~yes_before & yes_after),
            f"yn_{name}_nn": Count("pk", filter=given & ~yes_before & ~yes_after),
        }
    rows = (
        Respondent.objects.filter(event_id__in=event_ids, withdrawn_at__isnull=True)
        .annotate(
            before=FilteredRelation("responses", condition=Q(responses__wave_id__in=t0_ids)),
            after=FilteredRelation("responses", condition=Q(responses__wave_id__in=t2_ids)),
        )
        .filter(both)
        .values("event_id")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        counter = sums[row.pop("event_id")]
        for key, value in row.items():
            counter[key] += value or 0


def _invitations(wave_ids: Collection[int], sums: dict[int, Counter]) -> None:
    rows = (
        Invitation.objects.filter(wave_id__in=wave_ids, respondent__withdrawn_at__isnull=True)
        .values("wave__event_id", "wave__kind")
        .annotate(
            invited=Count("pk", filter=Q(sent_at__isnull=False)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
        .order_by()
    )
    for row in rows:
        counter, kind = sums[row["wave__event_id"]], row["wave__kind"]
        counter[f"invited:{kind}"] += row["invited"]
        counter[f"invitation_answered:{kind}"] += row["answered"]


# --- Combining events ----------------------------------------------------------------------


def _statistic_groups() -> dict[str, str]:
    """Figure prefix → the key holding its number of contributing people."""
    groups = {f"c_{name}_": f"c_{name}_n" for name in CONTINUOUS}
    groups |= {f"yn_{name}_": f"yn_{name}_n" for name in YES_NO}
    for kind in (T0, T1, T2):
        for name in SHARE_FIELDS:
            groups[f"share:{kind}:{name}:"] = f"share:{kind}:{name}:n"
    return groups


def _combine(per_event: Iterable[Counter]) -> tuple[Counter, dict[str, int]]:
    """Sum the events' counters; leave small events out of each statistic as explained above."""
    per_event = list(per_event)
    for counter in per_event:
        for name in YES_NO:
            counter[f"yn_{name}_n"] = sum(
                counter[f"yn_{name}_{cell}"] for cell in ("yy", "yn", "ny", "nn")
            )
    total: Counter = Counter()
    for counter in per_event:
        total.update(counter)
    left_out: dict[str, int] = {}
    if len(per_event) < 2:
        return total, left_out
    for prefix, n_key in _statistic_groups().items():
        small = [c for c in per_event if 0 < c[n_key] < THRESHOLD]
        if not small or sum(c[n_key] for c in small) >= THRESHOLD:
            continue
        for counter in small:
            for key, value in counter.items():
                if key.startswith(prefix):
                    total[key] -= value
        left_out[prefix.strip(":_").removeprefix("c_").removeprefix("yn_")] = sum(
            c[n_key] for c in small
        )
    return total, left_out


# --- From sums to statistics ----------------------------------------------------------------


def _sd(n: int, total: int, squares: int) -> float | None:
    """Sample SD from exact integer sums: √((nΣx² − (Σx)²) / (n(n − 1)))."""
    if n < 2:
        return None
    return math.sqrt(max(0, n * squares - total * total) / (n * (n - 1)))


def _mean_interval(n: int, total: int, squares: int) -> MeanInterval:
    if n == 0:
        return MeanInterval(None, None, None)
    mean = total / n
    sd = _sd(n, total, squares)
    if not sd:
        return MeanInterval(mean, None, None)
    half = stats.student_t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return MeanInterval(mean, mean - half, mean + half)


def _continuous(sums: Counter, name: str) -> tuple[stats.PairedChange, tuple]:
    n = sums[f"c_{name}_n"]
    sb, sa = sums[f"c_{name}_sb"], sums[f"c_{name}_sa"]
    change = stats.paired_change(
        n=n,
        mean_before=sb / n if n else None,
        mean_after=sa / n if n else None,
        sd_change=_sd(n, sa - sb, sums[f"c_{name}_sdd"]),
        n_improved=sums[f"c_{name}_improved"],
    )
    means = (
        _mean_interval(n, sb, sums[f"c_{name}_sbb"]),
        _mean_interval(n, sa, sums[f"c_{name}_saa"]),
    )
    return change, means


def _share(sums: Counter, kind: str, name: str) -> stats.Proportion:
    return stats.proportion(sums[f"share:{kind}:{name}:yes"], sums[f"share:{kind}:{name}:n"])


def _build(event_ids, waves: list[WaveInfo], per_event: dict[int, Counter]) -> Summary:
    sums, left_out = _combine(per_event.get(pk, Counter()) for pk in event_ids)
    reach = {}
    for dimension in REACH_DIMENSIONS:
        prefix = f"reach:{dimension}:"
        codes = {key[len(prefix) :].rsplit(":", 1)[0] for key in sums if key.startswith(prefix)}
        rows = [
            (code, sums[f"{prefix}{code}:registered"], sums[f"{prefix}{code}:attended"])
            for code in codes
        ]
        reach[dimension] = sorted(rows, key=lambda row: (-row[2], -row[1], row[0]))
    continuous, wave_means = {}, {}
    for name in CONTINUOUS:
        continuous[name], wave_means[name] = _continuous(sums, name)
    yes_no = {
        name: stats.paired_yes_no(
            both_yes=sums[f"yn_{name}_yy"],
            yes_to_no=sums[f"yn_{name}_yn"],
            no_to_yes=sums[f"yn_{name}_ny"],
            both_no=sums[f"yn_{name}_nn"],
        )
        for name in YES_NO
    }
    # Experience: right after the event when that wave ran, else at the follow-up.
    experience_wave = next(
        (kind for kind in (T1, T2) if any(sums[f"share:{kind}:{n}:n"] for n in EXPERIENCE)), None
    )
    volunteers = Role.VOLUNTEER.value
    return Summary(
        event_ids=tuple(event_ids),
        waves=tuple(waves),
        registered=sums["registered"],
        attended=sums["attended"],
        consented=sums["consented"],
        volunteers_registered=sums[f"reach:role:{volunteers}:registered"],
        volunteers_attended=sums[f"reach:role:{volunteers}:attended"],
        reach=reach,
        answered={kind: sums[f"answered:{kind}"] for kind in (T0, T1, T2)},
        n_paired=sums["paired"],
        invited={kind: sums[f"invited:{kind}"] for kind in (T0, T1, T2)},
        invitations_answered={kind: sums[f"invitation_answered:{kind}"] for kind in (T0, T1, T2)},
        continuous=continuous,
        wave_means=wave_means,
        yes_no=yes_no,
        fewer_opportunities=_share(sums, T0, FEWER_OPPORTUNITIES),
        experience={name: _share(sums, experience_wave or T1, name) for name in EXPERIENCE},
        experience_wave=experience_wave,
        legacy={name: _share(sums, T2, name) for name in LEGACY},
        left_out=left_out,
    )


# --- Entry points ----------------------------------------------------------------------------


def summarise(
    event_ids: Collection[int],
    *,
    closed_only: bool = False,
    wave_kinds: Mapping[int, Collection[str]] | None = None,
) -> Summary:
    """The summary of these events. `closed_only` keeps to closed waves (what may be
    published); `wave_kinds` narrows each event to the given waves (a sponsor's snapshot uses
    the waves of each event's own snapshot)."""
    event_ids = sorted(set(event_ids))
    waves_qs = Wave.objects.filter(event_id__in=event_ids).order_by("event_id", "kind")
    if closed_only:
        waves_qs = waves_qs.filter(closed_at__isnull=False)
    rows = [
        row
        for row in waves_qs.values("pk", "event_id", "kind", "instrument_version", "closed_at")
        if wave_kinds is None or row["kind"] in wave_kinds.get(row["event_id"], ())
    ]
    waves = [
        WaveInfo(
            row["event_id"], row["kind"], row["instrument_version"], row["closed_at"] is not None
        )
        for row in rows
    ]
    ids_of = {kind: [row["pk"] for row in rows if row["kind"] == kind] for kind in (T0, T1, T2)}
    all_wave_ids = [row["pk"] for row in rows]

    per_event: dict[int, Counter] = {pk: Counter() for pk in event_ids}
    _reach(event_ids, per_event)
    if all_wave_ids:
        _answers(all_wave_ids, per_event)
        _invitations(all_wave_ids, per_event)
    if ids_of[T0] and ids_of[T2]:
        _paired(event_ids, ids_of[T0], ids_of[T2], per_event)
    return _build(event_ids, waves, per_event)


def event_summary(event, *, closed_only: bool = False) -> Summary:
    return summarise([event.pk], closed_only=closed_only)


def sponsor_event_ids(sponsor) -> list[int]:
    return list(
        Sponsorship.objects.filter(sponsor=sponsor)
        .exclude(event__status__in=(EventStatus.DRAFT, EventStatus.CANCELLED))
        .values_list("event_id", flat=True)
    )


def sponsor_summary(sponsor, *, closed_only: bool = True) -> Summary:
    """Across the (public, not cancelled) events an organisation sponsors."""
    return summarise(sponsor_event_ids(sponsor), closed_only=closed_only)


def project_summary(lead, action, *, closed_only: bool = False) -> Summary:
    """Across the events `lead` runs under the funding `action` (see the module docstring)."""
    ids = Event.objects.filter(lead=lead, action=action).values_list("pk", flat=True)
    return summarise(list(ids), closed_only=closed_only)

using System.Collections.Concurrent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Scoring;

/// Computes a member's ledger for one year from scratch: a deterministic function of the member's
/// active facts, profile and the rule book. Decide diffs it against the ledger in state, so arrival
/// order, revocations (re-allocation of capped points), re-delivery and back-dated rule sets are all
/// the same mechanism. Capped points go to facts in (occurrence date, fact id, rule order) order.
public static class YearScorer
{
    public const string BaseRule = "base";
    public const string BaseCategory = "base";

    /// The line of a declared activity whose kind the rule set in force no longer declares (#22): 0 points, kept
    /// so the evidence says why the record scores nothing from that rule set's effective date.
    public const string WithdrawnRule = "kind-withdrawn";
    public const string WithdrawnCategory = "kind-withdrawn";
    private static readonly RuleId WithdrawnRuleId = new(WithdrawnRule);

    // Allocation order within a day: the base score, then facts, then period bonuses.
    private static class Stage
    {
        public const int Base = 0, Fact = 1, Bonus = 2;
    }

    public static List<LedgerEntry> Score(MemberState state, int year, RuleBook book) =>
        Lines(state, year, book).ConvertAll(l => l.ToEntry());

    /// The year's award lines in allocation order. Order = the rule's position in its rule set, so two
    /// rules on one fact allocate in document order.
    public static List<ScoredLine> Lines(MemberState state, int year, RuleBook book)
    {
        var scratch = new ScoringScratch();
        var items = Compute(state, year, book, scratch);
        var lines = new List<ScoredLine>(items.Length);
        foreach (ref readonly var item in items) lines.Add(new ScoredLine(item));
        return lines;
    }

    /// The same lines in the scratch's buffer, valid until its next use (Decide diffs them at once).
    internal static ReadOnlySpan<ScoredItem> Compute(MemberState state, int year, RuleBook book, ScoringScratch scratch)
    {
        var facts = ActiveFacts(state, year);
        var items = scratch.Start(facts.Length + 8);
        AddBase(state, year, book, ref items);
        foreach (var fact in facts) AddFactAwards(state, fact, book, ref items);
        AddBonuses(state, year, facts, book, ref items);
        var span = items.Span;
        span.Sort(static (a, b) =>
        {
            var c = a.Date.CompareTo(b.Date);
            if (c != 0) return c;
            c = a.Stage.CompareTo(b.Stage);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Fact, b.Fact);
            if (c != 0) return c;
            c = a.Order.CompareTo(b.Order);
            return c != 0 ? c : AwardIds.Compare(a.Fact, a.OwnAwardId, a.Rule.Value, b.Fact, b.OwnAwardId, b.Rule.Value);
        });
        Allocate(span, scratch);
        return span;
    }

    /// Active = not revoked and not superseded (a later assessment or award of the same suggestion
    /// or idea in the same year replaces the earlier one).
    private static YearFact[] ActiveFacts(MemberState state, int year)
    {
        var all = state.YearOf(year)?.Facts ?? [];
        // Most years revoke and supersede nothing: the year's own array then serves, uncopied.
        if (state.Revoked.Count == 0 && !Array.Exists(all, static f => f.Record is SuggestionAssessmentRecorded or GoldenIdeaAwardRecorded)) return all;
        var active = new List<YearFact>(all.Length);
        Dictionary<(FactKind, FactId), YearFact>? latest = null;
        foreach (var fact in all)
        {
            if (state.Revoked.Count > 0 && !state.IsActive(fact)) continue;
            var subject = fact.Record switch
            {
                SuggestionAssessmentRecorded s => s.Suggestion,
                GoldenIdeaAwardRecorded g => g.Idea,
                _ => (FactId?)null,
            };
            if (subject is { } id)
            {
                latest ??= [];
                var key = (fact.Kind, id);
                if (!latest.TryGetValue(key, out var seen) || Later(fact, seen)) latest[key] = fact;
                continue;
            }
            active.Add(fact);
        }
        if (latest is not null) active.AddRange(latest.Values);
        return [.. active];
    }

    private static bool Later(in YearFact a, in YearFact b) =>
        a.OccurredOn != b.OccurredOn ? a.OccurredOn > b.OccurredOn : string.CompareOrdinal(a.Id, b.Id) > 0;

    private static void AddBase(MemberState state, int year, RuleBook book, ref ScoredItems items)
    {
        if (!state.Profile.MemberDuring(year)) return;
        var jan1 = new DateOnly(year, 1, 1);
        var set = book.InForceOn(jan1);
        var date = jan1;
        if (set is null)
        {
            // The scheme starts mid-year: the base comes with the first rule set of the year.
            set = book.Sets.FirstOrDefault(s => s.EffectiveFrom.Year == year);
            if (set is null) return;
            date = set.EffectiveFrom;
        }
        if (set.BaseScore == Points.Zero) return;
        items.Add(new ScoredItem(date, Stage.Base, AwardIdOf(BaseRule, year), null, 0, set, BaseRuleId, BaseCategory, set.BaseScore, []));
    }

    private static readonly RuleId BaseRuleId = new(BaseRule);
    private static readonly ConcurrentDictionary<(string, int), string> PeriodAwardIds = new();

    // "base/2025", "full/2025-Q1": the same few ids for every member and decision, so built once.
    private static string AwardIdOf(string rule, int year) => PeriodAwardIds.GetOrAdd((rule, year), static k => $"{k.Item1}/{k.Item2}");

    private static string AwardIdOf(string rule, Period period) =>
        PeriodAwardIds.Count < 100_000 ? PeriodAwardIds.GetOrAdd((rule, period.Key), static (k, p) => $"{k.Item1}/{p}", period) : $"{rule}/{period}";

    private static void AddFactAwards(MemberState state, in YearFact fact, RuleBook book, ref ScoredItems items)
    {
        var set = book.InForceOn(fact.OccurredOn);
        if (set is null) return;
        var member = state.Profile.On(fact.OccurredOn, state.Revoked);
        var activity = fact.Record as ActivityRecorded;
        if (activity is not null && set.KindOf(activity.Activity) is null)
        {
            items.Add(new ScoredItem(fact.OccurredOn, Stage.Fact, null, fact.Id, 0, set, WithdrawnRuleId, WithdrawnCategory, Points.Zero, []));
            return;
        }
        for (var order = 0; order < set.Rules.Count; order++)
        {
            var rule = set.Rules[order];
            if (rule.Fact != fact.Kind || !Matches(rule.When, fact, member)) continue;
            if (activity is not null && (rule.Activity != activity.Activity || !FlagsSet(rule.When, activity))) continue;
            if (Requested(rule, fact.Record, member) is not { } requested) continue;
            items.Add(new ScoredItem(fact.OccurredOn, Stage.Fact, null, fact.Id, order, set, rule.Id, rule.Category, requested, rule.Caps));
        }
    }

    public static bool Matches(RuleConditions when, MemberFact fact, MemberAsOf member) => Matches(when, new YearFact(fact), member);

    internal static bool Matches(RuleConditions when, in YearFact fact, MemberAsOf member)
    {
        if (when.MemberStatuses is { } statuses && Array.IndexOf(statuses, member.Status) < 0) return false;
        if (when.MemberCategories is { } categories && Array.IndexOf(categories, member.Category) < 0) return false;
        if (when.ExemptCategories is { } exempt && Array.IndexOf(exempt, member.Category) >= 0) return false;
        if (fact.IsAttendance)
        {
            if (when.MeetingKinds is { } kinds && Array.IndexOf(kinds, fact.Meeting) < 0) return false;
            if (when.Modes is { } modes && Array.IndexOf(modes, fact.Mode) < 0) return false;
            if (when.Attendance is { } attendance && Array.IndexOf(attendance, fact.Status) < 0) return false;
        }
        return true;
    }

    private static bool FlagsSet(RuleConditions when, ActivityRecorded activity)
    {
        if (when.Flags is not { } flags) return true;
        foreach (var flag in flags)
            if (!activity.IsSet(flag)) return false;
        return true;
    }

    // The record of a fact other than an attendance (null for an attendance: only fixed amounts apply to it).
    private static Points? Requested(Rule rule, MemberFact? fact, MemberAsOf member)
    {
        var amount = rule.CategoryAmounts is { } overrides && overrides.TryGetValue(member.Category, out var o) ? o : rule.Amount;
        switch (rule.Basis)
        {
            case PointsBasis.Fixed:
                return amount;
            case PointsBasis.PerUnit:
                var given = fact switch
                {
                    VolunteerServiceRecorded v => v.Hours,
                    ActivityRecorded a => a.Number(rule.Field),
                    _ => null,
                };
                if (given is not { } count) return null;
                var units = rule.MaxUnitsPerFact is { } max ? Math.Min(count, max) : count;
                return rule.Rounding.Apply(units * amount.Value);
            case PointsBasis.Bands:
                if (fact is not ActivityRecorded { } banded || banded.Number(rule.Field) is not { } number || rule.Bands is not { } bands) return null;
                foreach (var band in bands)
                    if (band.Holds(number)) return band.Points;
                return null;
            case PointsBasis.LevelTable:
                var level = fact switch
                {
                    SuggestionAssessmentRecorded s => LevelNames.Of(s.Level),
                    GoldenIdeaAwardRecorded g => LevelNames.Of(g.Level),
                    ActivityRecorded a => a.Text(rule.Field),
                    _ => null,
                };
                return level is not null && rule.Levels is { } table && table.TryGetValue(level, out var points) ? points : null;
            case PointsBasis.AsRecorded:
                return fact is AdjustmentRecorded adj ? adj.Points : null;
            default:
                return null;
        }
    }

    private static void AddBonuses(MemberState state, int year, YearFact[] facts, RuleBook book, ref ScoredItems items)
    {
        // Periods of the year that hold at least one meeting of this member; a bonus needs at least one.
        Span<bool> withMeetings = stackalloc bool[PeriodsPerYear];
        var any = false;
        foreach (var fact in facts)
        {
            if (!fact.IsAttendance) continue;
            any = true;
            withMeetings[0] = true;
            withMeetings[PeriodSlot(fact.OccurredOn, PeriodKind.Quarter)] = true;
            withMeetings[PeriodSlot(fact.OccurredOn, PeriodKind.Month)] = true;
        }
        if (!any) return;
        for (var slot = 0; slot < PeriodsPerYear; slot++)
        {
            if (!withMeetings[slot]) continue;
            var period = slot == 0 ? Period.YearOf(year) : slot <= 4 ? Period.QuarterOf(year, slot) : Period.MonthOf(year, slot - 4);
            var set = book.InForceOn(period.End);
            if (set is null || set.Bonuses.Count == 0) continue;
            var member = state.Profile.On(period.End, state.Revoked);
            for (var b = 0; b < set.Bonuses.Count; b++) // indexed: no enumerator allocated per period
            {
                var bonus = set.Bonuses[b];
                if (bonus.Period != period.Kind || Array.IndexOf(bonus.ExemptCategories, member.Category) >= 0) continue;
                int meetings = 0;
                var complete = true;
                foreach (var fact in facts)
                {
                    if (!fact.IsAttendance || !period.Contains(fact.OccurredOn)) continue;
                    if (Array.IndexOf(bonus.MeetingKinds, fact.Meeting) < 0) continue;
                    meetings++;
                    if (Array.IndexOf(bonus.Counted, fact.Status) < 0) { complete = false; break; }
                }
                if (!complete || meetings < Math.Max(1, bonus.MinMeetings)) continue;
                items.Add(new ScoredItem(period.End, Stage.Bonus, AwardIdOf(bonus.Id.Value, period), null, 0, set, bonus.Id, bonus.Category, bonus.Points, []));
            }
        }
    }

    private static void Allocate(Span<ScoredItem> items, ScoringScratch scratch)
    {
        // Running sums per scope (total, each rule id, each category) for every period of the one year
        // being scored: 17 slots per scope (the year, four quarters, twelve months), so a cap added by a
        // mid-year rule set still sees the points granted under the previous one. Arrays, not
        // dictionaries: this loop runs for every fact of the year on every decision.
        // A year holds a handful of rules and categories: scopes are found by a linear search of the ids so far.
        scratch.Scopes(items.Length, out var ids, out var kinds, out var ruleScope);
        var next = 1; // scope 0 is the total
        for (var i = 0; i < items.Length; i++)
        {
            ruleScope[i] = ScopeOf(ids, kinds, 'r', items[i].Rule.Value, ref next);
            ruleScope[items.Length + i] = ScopeOf(ids, kinds, 'c', items[i].Category, ref next);
        }
        scratch.Sums(next, PeriodsPerYear, out var sums, out var categorySet, out var categories);

        for (var i = 0; i < items.Length; i++)
        {
            ref var item = ref items[i];
            var granted = item.Requested.Value;
            if (granted != 0)
            {
                granted = Clip(ref item, granted, ruleScope[i], 'r', item.Rule.Value, item.RuleCaps, sums);
                // The category's caps, looked up once per category scope and rule set (not per line).
                var scope = ruleScope[items.Length + i];
                if (!ReferenceEquals(categorySet[scope], item.Set)) (categorySet[scope], categories[scope]) = (item.Set, item.Set.CategoryOf(item.Category));
                if (categories[scope] is { } category)
                    granted = Clip(ref item, granted, ruleScope[items.Length + i], 'c', category.Id, category.Caps, sums);
                granted = Clip(ref item, granted, 0, 't', "", item.Set.TotalCaps, sums);
            }
            if (granted != 0)
            {
                Add(sums, ruleScope[i], item.Date, granted);
                Add(sums, ruleScope[items.Length + i], item.Date, granted);
                Add(sums, 0, item.Date, granted);
            }
            item.Granted = granted == item.Requested.Value ? item.Requested : new Points(granted);
        }
    }

    private const int PeriodsPerYear = 17;

    // ids[scope] and kinds[scope] name a scope: a rule ('r') or a category ('c') may share an id.
    private static int ScopeOf(Span<string?> ids, Span<char> kinds, char kind, string id, ref int next)
    {
        for (var s = 1; s < next; s++)
            if (kinds[s] == kind && string.Equals(ids[s], id, StringComparison.Ordinal)) return s;
        ids[next] = id;
        kinds[next] = kind;
        return next++;
    }

    private static int PeriodSlot(DateOnly date, PeriodKind kind) => kind switch
    {
        PeriodKind.Year => 0,
        PeriodKind.Quarter => (date.Month - 1) / 3 + 1,
        _ => 4 + date.Month,
    };

    private static void Add(Span<decimal> sums, int scope, DateOnly date, decimal granted)
    {
        var baseIndex = scope * PeriodsPerYear;
        sums[baseIndex] += granted;
        sums[baseIndex + (date.Month - 1) / 3 + 1] += granted;
        sums[baseIndex + 4 + date.Month] += granted;
    }

    private static decimal Clip(ref ScoredItem line, decimal granted, int scope, char kind, string id, IReadOnlyList<Cap> caps, Span<decimal> sums)
    {
        for (var c = 0; c < caps.Count; c++)
        {
            var cap = caps[c];
            var used = sums[scope * PeriodsPerYear + PeriodSlot(line.Date, cap.Period)];
            var clipped = granted;
            if (granted > 0 && cap.Max is { } max) clipped = Math.Min(granted, Math.Max(0, max.Value - used));
            else if (granted < 0 && cap.Min is { } min) clipped = Math.Max(granted, Math.Min(0, min.Value - used));
            if (clipped == granted) continue;
            granted = clipped;
            (line.ClipScope, line.ClipId, line.ClipCap) = (kind, id, cap);
        }
        return granted;
    }
}

internal static class LevelNames
{
    // Cached names, so scoring a level table allocates no strings.
    private static readonly string[] Suggestion = Enum.GetNames<SuggestionLevel>();
    private static readonly string[] GoldenIdea = Enum.GetNames<GoldenIdeaLevel>();

    public static string Of(SuggestionLevel level) => Suggestion[(int)level];
    public static string Of(GoldenIdeaLevel level) => GoldenIdea[(int)level];
}

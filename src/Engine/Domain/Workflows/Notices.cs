using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Workflows;

/// A notice and everything that happened to it, folded from its stream.
public sealed record NoticeState(
    NoticePublished Notice,
    ImmutableList<ObjectionRaised> Objections,
    ImmutableDictionary<FactId, ObjectionAnswered> Answers,
    NoticeFinalised? Final)
{
    public bool IsFinal => Final is not null;

    public IEnumerable<ObjectionRaised> Unanswered => Objections.Where(o => !Answers.ContainsKey(o.FactId));

    /// The date a step with this id was recorded on, if it was (a retried request rebuilds the same step).
    public DateOnly? DateOf(FactId step) =>
        Notice.FactId == step ? Notice.OccurredOn
        : Objections.FirstOrDefault(o => o.FactId == step)?.OccurredOn
        ?? Answers.Values.FirstOrDefault(a => a.FactId == step)?.OccurredOn
        ?? (Final?.FactId == step ? Final.OccurredOn : null);
}

/// The rules of a public notice as pure functions of its state and the date (dates arrive as data).
public static class Notices
{
    public static NoticeState? Evolve(NoticeState? state, IFact fact) => (state, fact) switch
    {
        (null, NoticePublished p) => new NoticeState(p, [], ImmutableDictionary<FactId, ObjectionAnswered>.Empty, null),
        ({ } s, ObjectionRaised o) => s with { Objections = s.Objections.Add(o) },
        ({ } s, ObjectionAnswered a) when !s.Answers.ContainsKey(a.Objection) => s with { Answers = s.Answers.Add(a.Objection, a) },
        ({ } s, NoticeFinalised f) when s.Final is null => s with { Final = f },
        _ => state,
    };

    public static NoticeState? Fold(IEnumerable<IFact> facts) => facts.Aggregate((NoticeState?)null, Evolve);

    /// Objections are accepted from publication up to and including the stated end date.
    public static bool WindowOpen(NoticePublished notice, DateOnly today) => today <= notice.ObjectionsCloseOn;

    public static Refusal? CanPublish(NoticeState? existing, FactId id, Period period, DateOnly today, DateOnly closesOn)
    {
        if (existing is not null && existing.Notice.FactId != id)
            return new Refusal(RefusalKind.Conflict, "notice-exists",
                $"支部 {existing.Notice.Branch} 已于 {existing.Notice.OccurredOn:yyyy-MM-dd} 公示 {existing.Notice.Period} 的排名（每个期间公示一次；更正请答复异议）。",
                $"Branch {existing.Notice.Branch} published its {existing.Notice.Period} ranking on {existing.Notice.OccurredOn:yyyy-MM-dd} (one notice per period; corrections go through the objections).");
        if (existing is not null) return null;
        if (period.Start > today)
            return new Refusal(RefusalKind.Invalid, "period-not-started",
                $"{period} 尚未开始，不能公示。", $"The period {period} has not started; it cannot be published.");
        if (closesOn < today)
            return new Refusal(RefusalKind.Invalid, "window-in-past",
                $"异议截止日期 {closesOn:yyyy-MM-dd} 早于今天 {today:yyyy-MM-dd}。", $"The objection window's end {closesOn:yyyy-MM-dd} is before today {today:yyyy-MM-dd}.");
        return null;
    }

    public static Refusal? CanObject(NoticeState state, FactId id, DateOnly today)
    {
        if (state.Objections.Any(o => o.FactId == id)) return null;
        if (state.Final is { } final) return Finalised(final);
        if (!WindowOpen(state.Notice, today))
            return new Refusal(RefusalKind.Conflict, "objection-window-closed",
                $"异议期已于 {state.Notice.ObjectionsCloseOn:yyyy-MM-dd} 结束，不能再提出异议。",
                $"The objection window closed on {state.Notice.ObjectionsCloseOn:yyyy-MM-dd}; no more objections are accepted.");
        return null;
    }

    /// One answer per objection; an upheld objection names the correction it led to.
    public static Refusal? CanAnswer(NoticeState state, FactId id, FactId objection, ObjectionOutcome outcome, FactId? correction)
    {
        if (state.Answers.Values.Any(a => a.FactId == id)) return null;
        if (state.Objections.All(o => o.FactId != objection))
            return new Refusal(RefusalKind.NotFound, "unknown-objection",
                $"公示 {state.Notice.Period} 没有异议 {objection}。", $"The {state.Notice.Period} notice has no objection {objection}.");
        if (state.Answers.TryGetValue(objection, out var answered))
            return new Refusal(RefusalKind.Conflict, "objection-already-answered",
                $"异议 {objection} 已于 {answered.OccurredOn:yyyy-MM-dd} 答复（{OutcomeName(answered.Outcome)}），每条异议只答复一次。",
                $"Objection {objection} was answered on {answered.OccurredOn:yyyy-MM-dd} ({answered.Outcome}); each objection is answered once.");
        if (state.Final is { } final) return Finalised(final);
        if (outcome == ObjectionOutcome.Dismissed && correction is not null)
            return new Refusal(RefusalKind.Invalid, "correction-unexpected",
                "异议不成立时不引用更正记录。", "A dismissed objection names no correction.");
        if (outcome == ObjectionOutcome.Upheld && correction is null)
            return new Refusal(RefusalKind.Invalid, "correction-required",
                "异议成立时须注明更正记录（先登记加减分或撤销，再引用其事实编号）。",
                "An upheld objection names its correction: record the adjustment or revocation first, then give its fact id.");
        return null;
    }

    /// Final only after the window has closed with every objection answered.
    public static Refusal? CanFinalise(NoticeState state, FactId id, DateOnly today)
    {
        if (state.Final is { } final) return final.FactId == id ? null : Finalised(final);
        if (WindowOpen(state.Notice, today))
            return new Refusal(RefusalKind.Conflict, "objection-window-open",
                $"异议期至 {state.Notice.ObjectionsCloseOn:yyyy-MM-dd} 结束，期满后才能确定结果。",
                $"The objection window is open until {state.Notice.ObjectionsCloseOn:yyyy-MM-dd}; the result can be made final after it closes.");
        var open = state.Unanswered.Select(o => o.FactId.Value).ToList();
        if (open.Count > 0)
            return new Refusal(RefusalKind.Conflict, "objections-unanswered",
                $"还有 {open.Count} 条异议未答复：{string.Join("、", open)}。", $"{open.Count} objection(s) are not answered yet: {string.Join(", ", open)}.");
        return null;
    }

    private static Refusal Finalised(NoticeFinalised final) => new(RefusalKind.Conflict, "notice-final",
        $"公示 {final.Period} 已于 {final.OccurredOn:yyyy-MM-dd} 确定结果。", $"The {final.Period} notice was made final on {final.OccurredOn:yyyy-MM-dd}.");

    public static string OutcomeName(ObjectionOutcome outcome) => outcome == ObjectionOutcome.Upheld ? "异议成立" : "异议不成立";

    // ASCII digits only: \d also matches other scripts' digits (٢٠٢٥, ２０２５), which int.Parse then refuses.
    private static readonly Regex Label = new(@"^(?<y>[0-9]{4})(?:-(?:(?<m>[0-9]{2})|Q(?<q>[1-4])))?$", RegexOptions.CultureInvariant);

    /// A period from its label: 2025-06 (month), 2025-Q2 (quarter) or 2025 (year); null if not one.
    public static Period? ParsePeriod(string? label)
    {
        if (label is null || Label.Match(label.Trim()) is not { Success: true } m) return null;
        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        if (year < 1900) return null;
        if (m.Groups["m"].Success)
        {
            var month = int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture);
            return month is >= 1 and <= 12 ? Period.MonthOf(year, month) : null;
        }
        return m.Groups["q"].Success ? Period.QuarterOf(year, int.Parse(m.Groups["q"].Value, CultureInfo.InvariantCulture)) : Period.YearOf(year);
    }
}

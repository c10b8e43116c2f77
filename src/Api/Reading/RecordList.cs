using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Reading;

/// The record list (台账 of recorded facts, #19) found the way people remember a fact — date range, kind,
/// topic, member — one home for the page (/branches/{b}/facts) and the command line (`facts list`).
public static class RecordList
{
    /// The stored kinds a secretary records, with their Chinese names, in the filter's order.
    public static readonly IReadOnlyList<(string Kind, string Name)> Kinds =
    [
        ("V1.MeetingHeld", "会议签到"), ("V1.SuggestionSubmitted", "合理化建议"), ("V1.SuggestionAssessed", "建议评定"),
        ("V1.GoldenIdeaSubmitted", "金点子"), ("V1.GoldenIdeaAwarded", "金点子评奖"), ("V1.GoldenIdeaImplemented", "金点子实施"),
        ("V1.VolunteerServiceLogged", "志愿服务"), ("V1.ManualAdjustment", "加减分"),
    ];

    public static string KindName(string kind) => Kinds.FirstOrDefault(k => k.Kind == kind).Name ?? kind;

    /// The stored kind a person names (its stored name, its Chinese name, or its English name without "V1."), or null.
    public static string? KindNamed(string? text) => text?.Trim() is not { Length: > 0 } t ? null
        : Kinds.FirstOrDefault(k => k.Kind == t || k.Name == t || string.Equals(k.Kind["V1.".Length..], t, StringComparison.OrdinalIgnoreCase)).Kind;

    /// What to list: <paramref name="Branch"/> null for every branch; <paramref name="Kind"/> a stored kind or null for all;
    /// <paramref name="Member"/> a member's id or part of a name.
    public sealed record Filter(BranchId? Branch, DateOnly From, DateOnly To, string? Kind, string? Topic, string? Member);

    /// The lines the filter selects, newest first. A member filter selects the member's own facts and the
    /// meetings that listed the member (#19: a member's meetings were missing).
    public static async Task<IReadOnlyList<RecordedFactLine>> FindAsync(ReadModels reads, OrganisationSnapshot org, Filter filter, int limit,
        CancellationToken ct)
    {
        var kinds = filter.Kind is { } k && Kinds.Any(x => x.Kind == k) ? [k] : Kinds.Select(x => x.Kind).ToList();
        var member = filter.Member?.Trim() is { Length: > 0 } m ? m : null;
        var topic = filter.Topic?.Trim() is { Length: > 0 } t ? t : null;
        IReadOnlyCollection<MemberId>? members = member is null ? null
            : [.. org.Members.Values.Where(e => e.Id.Value == member || e.Name.Contains(member, StringComparison.Ordinal)).Select(e => e.Id)];
        var lines = await reads.RecordedFactsAsync(kinds, filter.From, filter.To, limit, ct, members).ConfigureAwait(false);
        return [.. lines.Where(l =>
            (filter.Branch is not { } branch || l.Branch == branch
                || (l.Member is { } who && org.Members.TryGetValue(who, out var e) && e.BranchOn(l.OccurredOn) == branch))
            && (topic is null || l.Summary.Contains(topic, StringComparison.OrdinalIgnoreCase)))];
    }
}

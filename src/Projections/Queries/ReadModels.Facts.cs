using PointsEngine.Domain.Values;
using PointsEngine.Projections.Activity;
using PointsEngine.Store;

namespace PointsEngine.Projections.Queries;

/// Where a recorded fact sits in the log, by its id, from the activity projection's fact table.
public sealed record FactLocated(LogPosition Checkpoint, LogPosition? Position);

public sealed partial class ReadModels
{
    /// The log position of the recorded fact <paramref name="id"/> if the activity projection has applied it,
    /// and how far that projection had read. The checkpoint is read first: every fact at or below it is in
    /// the table (rows and checkpoint commit together), so a fact not found may only lie above the checkpoint.
    public Task<FactLocated> LocateFactAsync(FactId id, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var checkpoint = (await r.QueryAsync(
                "SELECT position FROM projection_generations WHERE projection = @p AND generation = @g",
                x => Storage.Sql.Long(x, 0), ct, ("@p", ActivityProjection.ProjectionName), ("@g", r.ActivityGeneration)).ConfigureAwait(false)).SingleOrDefault();
            var at = await r.QueryAsync("SELECT position FROM {a}facts WHERE fact_id = @f", x => Storage.Sql.Long(x, 0), ct, ("@f", id.Value))
                .ConfigureAwait(false);
            return new FactLocated(new LogPosition(checkpoint), at.Count == 0 ? null : new LogPosition(at[0]));
        }, ct);

    /// Whether the fact <paramref name="id"/> was revoked (on its own, or by a correction).
    public Task<bool> RevokedAsync(FactId id, CancellationToken ct = default) =>
        ReadAsync(async r => (await r.QueryAsync("SELECT 1 FROM {a}revoked_facts WHERE target = @t", x => 1, ct, ("@t", id.Value)).ConfigureAwait(false)).Count > 0, ct);

    /// The record list (台账 of recorded facts, #19): facts as recorded, of the stored kinds given, in the date
    /// range, newest first, each with whether it was revoked. Which branch a member's fact belongs to is the
    /// caller's to judge (the organisation directory knows the members' branches). With <paramref name="members"/>,
    /// only the facts about those members: their own, and the meetings that listed them.
    public Task<IReadOnlyList<RecordedFactLine>> RecordedFactsAsync(IReadOnlyCollection<string> kinds, DateOnly from, DateOnly to, int limit,
        CancellationToken ct = default, IReadOnlyCollection<MemberId>? members = null)
    {
        var who = members is null ? "" : members.Count == 0 ? "AND 1 = 0" : $"""
            AND (f.member IN ({string.Join(", ", members.Select((_, i) => $"@m{i}"))})
                 OR EXISTS (SELECT 1 FROM {"{a}"}attendance att WHERE att.fact_id = f.fact_id AND att.member IN ({string.Join(", ", members.Select((_, i) => $"@m{i}"))})))
            """;
        return ReadAsync<IReadOnlyList<RecordedFactLine>>(async r => await r.QueryAsync($"""
            SELECT f.fact_id, f.kind, f.occurred_on, f.recorded_by, f.member, f.branch, f.title, f.summary,
                   EXISTS (SELECT 1 FROM {"{a}"}revoked_facts rf WHERE rf.target = f.fact_id)
            FROM {"{a}"}facts f
            WHERE f.occurred_on >= @from AND f.occurred_on <= @to AND f.kind IN ({string.Join(", ", kinds.Select((_, i) => $"@k{i}"))})
            {who}
            ORDER BY f.occurred_on DESC, f.position DESC
            LIMIT {limit}
            """, x => new RecordedFactLine(new FactId(x.GetString(0)), x.GetString(1), Storage.Sql.Date(x, 2), x.GetString(3),
                x.IsDBNull(4) ? null : new MemberId(x.GetString(4)), x.IsDBNull(5) ? null : new BranchId(x.GetString(5)),
                x.IsDBNull(6) ? null : x.GetString(6), x.GetString(7), Storage.Sql.Long(x, 8) != 0),
            ct, [("@from", Storage.Sql.Date(from)), ("@to", Storage.Sql.Date(to)), .. kinds.Select((k, i) => ($"@k{i}", (object?)k)),
                .. (members ?? []).Select((m, i) => ($"@m{i}", (object?)m.Value))]).ConfigureAwait(false), ct);
    }

    /// The branch's meeting on record (not revoked) with this date, kind, group and topic, if any (#19
    /// problem 1: the meeting page offers it for correction instead of recording it twice).
    public Task<FactId?> MeetingOnRecordAsync(BranchId branch, DateOnly date, string kind, PartyGroupId? group, string topic, CancellationToken ct = default) =>
        ReadAsync(async r => (await r.QueryAsync("""
            SELECT m.fact_id FROM {a}meetings m
            WHERE m.branch = @b AND m.occurred_on = @d AND m.kind = @k AND COALESCE(m.grp, '') = @g AND m.topic = @t
              AND NOT EXISTS (SELECT 1 FROM {a}revoked_facts rf WHERE rf.target = m.fact_id)
            ORDER BY m.fact_id
            """, x => (FactId?)new FactId(x.GetString(0)), ct, ("@b", branch.Value), ("@d", Storage.Sql.Date(date)), ("@k", kind),
            ("@g", group?.Value ?? ""), ("@t", topic)).ConfigureAwait(false)).FirstOrDefault(), ct);
}

/// One line of the record list: a recorded fact as the activity projection describes it.
public sealed record RecordedFactLine(FactId FactId, string Kind, DateOnly OccurredOn, string RecordedBy, MemberId? Member, BranchId? Branch,
    string? Title, string Summary, bool Revoked);

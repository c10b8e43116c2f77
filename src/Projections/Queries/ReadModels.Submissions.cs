using PointsEngine.Domain;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    private static readonly string SuggestionSubmittedName = DomainEventNames.Of(typeof(SuggestionSubmitted));
    private static readonly string GoldenIdeaSubmittedName = DomainEventNames.Of(typeof(GoldenIdeaSubmitted));
    private static readonly string SuggestionAssessedName = DomainEventNames.Of(typeof(SuggestionAssessed));
    private static readonly string GoldenIdeaAwardedName = DomainEventNames.Of(typeof(GoldenIdeaAwarded));

    /// The branch's suggestions and golden ideas awaiting assessment, oldest first.
    public Task<IReadOnlyList<PendingSubmission>> PendingSubmissionsAsync(BranchId branch, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<PendingSubmission>>(async r => await r.QueryAsync("""
            SELECT f.fact_id, f.kind, f.occurred_on, f.member, m.name, f.title, f.recorded_by
            FROM {a}facts f LEFT JOIN {s}members m ON m.member = f.member
            WHERE f.branch = @b AND f.kind IN (@suggestion, @idea)
              AND NOT EXISTS (SELECT 1 FROM {a}facts x WHERE x.subject = f.fact_id AND x.kind IN (@assessed, @awarded))
              AND NOT EXISTS (SELECT 1 FROM {a}revoked_facts rv WHERE rv.target = f.fact_id)
            ORDER BY f.occurred_on, f.position
            """, x => new PendingSubmission(new FactId(x.GetString(0)),
                x.GetString(1) == SuggestionSubmittedName ? SubmissionKind.Suggestion : SubmissionKind.GoldenIdea,
                Sql.Date(x, 2), new MemberId(x.GetString(3)), Sql.Text(x, 4), Sql.Text(x, 5) ?? "", x.GetString(6)),
            ct, ("@b", branch.Value), ("@suggestion", SuggestionSubmittedName), ("@idea", GoldenIdeaSubmittedName),
            ("@assessed", SuggestionAssessedName), ("@awarded", GoldenIdeaAwardedName)).ConfigureAwait(false), ct);
}

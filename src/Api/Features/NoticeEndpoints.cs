using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Features;

/// Public notice (公示, issue #5): a secretary publishes the branch's ranking (and, for a year, grades)
/// for a period with an objection window; the branch's members read it and object within the window;
/// the secretary answers each objection; the result is made final once the window has closed with every
/// objection answered. Members see their branch's ranking here (the general rankings are not theirs).
/// The handlers are also the 公示 pages' (Pages/Branches/Notices, Notice, #20): one set of checks and access rules.
public static class NoticeEndpoints
{
    /// Period: 2025-06 (month), 2025-Q2 (quarter) or 2025 (year). ObjectionsCloseOn defaults to
    /// Notices:WindowDays after today.
    public sealed record PublishNoticeRequest(string? Period, DateOnly? ObjectionsCloseOn);

    public sealed record RaiseObjectionRequest(string? Reason);

    /// Outcome: upheld (成立) with the correction's fact id, or dismissed (不成立); a reason either way.
    public sealed record AnswerObjectionRequest(string? Outcome, string? Reason, string? Correction);

    /// Stage: objections-open (within the window), awaiting-final (closed, not final yet) or final.
    public sealed record NoticeDocument(string Stage, bool ObjectionsOpen, NoticeView Notice);

    public sealed record NoticeList(int Count, IReadOnlyList<NoticeDocument> Notices);

    private static readonly Dictionary<string, ObjectionOutcome> Outcomes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["upheld"] = ObjectionOutcome.Upheld, ["成立"] = ObjectionOutcome.Upheld, ["异议成立"] = ObjectionOutcome.Upheld,
        ["dismissed"] = ObjectionOutcome.Dismissed, ["不成立"] = ObjectionOutcome.Dismissed, ["异议不成立"] = ObjectionOutcome.Dismissed,
    };

    public static RouteGroupBuilder MapNotices(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/branches/{branch}/notices").WithTags("Public notices 公示");

        group.MapPost("", PublishAsync).RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite()
            .WithSummary("Publish the branch's ranking for a period with an objection window 发布公示");
        group.MapGet("", ListAsync).RequireAuthorization(AccessPolicies.Reader)
            .WithSummary("The branch's notices (its members may read them) 公示列表");
        group.MapGet("/{period}", GetAsync).RequireAuthorization(AccessPolicies.Reader)
            .WithSummary("One notice with its objections (a member sees their own) 公示详情");
        group.MapPost("/{period}/objections", ObjectAsync).RequireAuthorization(AccessPolicies.Member).DocumentedAsWrite()
            .WithSummary("Raise an objection within the window 提出异议");
        group.MapPost("/{period}/objections/{objection}/answers", AnswerAsync).RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite()
            .WithSummary("Answer an objection: upheld with a correction, or dismissed 答复异议");
        group.MapPost("/{period}/finalisation", FinaliseAsync).RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite()
            .WithSummary("Make the period's result final once the window closed with every objection answered 公示结果确定");

        return group;
    }

    public static Task<Results<Created<FactRecorded>, ProblemHttpResult>> PublishAsync(string branch, PublishNoticeRequest body, Caller caller,
        WorkflowStreams streams, ReadModels read, ReadModelSync sync, TimeProvider clock, IOptions<NoticeSettings> settings,
        [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
        writer.RecordAsync(write, async (id, org, token) =>
        {
            var e = new FieldErrors();
            var where = e.Id<BranchId>(branch, "branch");
            var period = ParsePeriod(body.Period, "period", e);
            var closes = e.Date(body.ObjectionsCloseOn, "objectionsCloseOn", required: false);
            if (e.Any) return e.ToProblem();
            if (Known(org, where!.Value) is { } unknown) return unknown;
            if (!caller.Manages(where.Value)) return BranchScope(where.Value);
            var today = clock.Today();
            var label = period!.Value.ToString();
            var (facts, expected) = await streams.ReadAsync(FactStreams.Notice(where.Value, label), token);
            var state = Notices.Fold(facts);
            var closesOn = closes ?? state?.Notice.ObjectionsCloseOn ?? today.AddDays(settings.Value.WindowDays);
            if (Notices.CanPublish(state, id, period.Value, today, closesOn) is { } refusal) return refusal.ToProblem("period");
            if (state is not null) return Draft.At(expected, state.Notice with { ObjectionsCloseOn = closesOn });
            if (await sync.CatchUpAsync(write.Http, token) is { } behind) return behind;
            var lines = await SnapshotAsync(read, where.Value, period.Value, token);
            return Draft.At(expected, new NoticePublished(id, today, where.Value, label, period.Value.Start, period.Value.End, closesOn, lines));
        }, ct);

    public static async Task<Results<Ok<NoticeList>, ProblemHttpResult>> ListAsync(string branch, Caller caller, ReadModels read,
        OrganisationDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var e = new FieldErrors();
        var where = e.Id<BranchId>(branch, "branch");
        if (e.Any) return e.ToProblem().ToResult();
        if (Known(directory.Current, where!.Value) is { } unknown) return unknown.ToResult();
        var notices = await read.NoticesAsync(where.Value, ct);
        var today = clock.Today();
        var visible = notices.Where(n => ReadAccess.Notice(caller, directory.Current, n.Branch, n, today)).Select(n => Document(caller, n, today)).ToList();
        // Someone who may read none of the branch's notices (another branch's secretary or member) is refused.
        if (!ReadAccess.Notice(caller, directory.Current, where.Value, null, today) && visible.Count == 0) return NoticeScope().ToResult();
        return TypedResults.Ok(new NoticeList(visible.Count, visible));
    }

    public static async Task<Results<Ok<NoticeDocument>, ProblemHttpResult>> GetAsync(string branch, string period, Caller caller, ReadModels read,
        OrganisationDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var e = new FieldErrors();
        var where = e.Id<BranchId>(branch, "branch");
        var when = ParsePeriod(period, "period", e);
        if (e.Any) return e.ToProblem().ToResult();
        if (Known(directory.Current, where!.Value) is { } unknown) return unknown.ToResult();
        var notice = await read.NoticeAsync(where.Value, when!.Value.ToString(), ct);
        var today = clock.Today();
        if (!ReadAccess.Notice(caller, directory.Current, where.Value, notice, today)) return NoticeScope().ToResult();
        if (notice is null) return UnknownNotice(where.Value, when.Value.ToString()).ToResult();
        return TypedResults.Ok(Document(caller, notice, today));
    }

    public static Task<Results<Created<FactRecorded>, ProblemHttpResult>> ObjectAsync(string branch, string period, RaiseObjectionRequest body,
        Caller caller, WorkflowStreams streams, TimeProvider clock, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
        writer.RecordAsync(write, async (id, org, token) =>
        {
            if (caller.Member is not { } member) return WorkflowProblems.NotAMember();
            var e = new FieldErrors();
            var where = e.Id<BranchId>(branch, "branch");
            var when = ParsePeriod(period, "period", e);
            var reason = e.Text(body.Reason, "reason", max: 2000);
            if (e.Any) return e.ToProblem();
            if (Known(org, where!.Value) is { } unknown) return unknown;
            var label = when!.Value.ToString();
            var today = clock.Today();
            var (facts, expected) = await streams.ReadAsync(FactStreams.Notice(where.Value, label), token);
            if (Notices.Fold(facts) is not { } state) return UnknownNotice(where.Value, label);
            if (!InBranch(org, member, where.Value, state.Notice, today)) return NoticeScope();
            if (Notices.CanObject(state, id, today) is { } refusal) return refusal.ToProblem("period");
            return Draft.At(expected, new ObjectionRaised(id, state.DateOf(id) ?? today, where.Value, label, member, reason!));
        }, ct);

    public static Task<Results<Created<FactRecorded>, ProblemHttpResult>> AnswerAsync(string branch, string period, string objection,
        AnswerObjectionRequest body, Caller caller, WorkflowStreams streams, IFactLookup lookup, TimeProvider clock,
        [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
        writer.RecordAsync(write, async (id, org, token) =>
        {
            var e = new FieldErrors();
            var where = e.Id<BranchId>(branch, "branch");
            var when = ParsePeriod(period, "period", e);
            var target = e.Id<FactId>(objection, "objection");
            ObjectionOutcome? outcome = null;
            if (body.Outcome is null) e.Missing("outcome");
            else if (Outcomes.TryGetValue(body.Outcome.Trim(), out var o)) outcome = o;
            else e.Add("outcome", "unknown-value", $"答复结果“{body.Outcome}”无效，可选：upheld 成立、dismissed 不成立。",
                $"'{body.Outcome}' is not an outcome; use upheld (成立) or dismissed (不成立).");
            var reason = e.Text(body.Reason, "reason", max: 2000);
            var correction = e.Id<FactId>(body.Correction, "correction", required: false);
            if (e.Any) return e.ToProblem();
            if (Known(org, where!.Value) is { } unknown) return unknown;
            if (!caller.Manages(where.Value)) return BranchScope(where.Value);
            var label = when!.Value.ToString();
            var (facts, expected) = await streams.ReadAsync(FactStreams.Notice(where.Value, label), token);
            if (Notices.Fold(facts) is not { } state) return UnknownNotice(where.Value, label);
            if (Notices.CanAnswer(state, id, target!.Value, outcome!.Value, correction) is { } refusal)
                return refusal.ToProblem(refusal.Code.StartsWith("correction", StringComparison.Ordinal) ? "correction" : "objection");
            var raised = state.Objections.First(x => x.FactId == target.Value);
            if (correction is { } fix && await CheckCorrectionAsync(lookup, fix, state, raised, token) is { } wrong) return wrong;
            return Draft.At(expected, new ObjectionAnswered(id, state.DateOf(id) ?? clock.Today(), where.Value, label, raised.FactId, raised.Member,
                outcome.Value, reason!, correction));
        }, ct);

    public static Task<Results<Created<FactRecorded>, ProblemHttpResult>> FinaliseAsync(string branch, string period, Caller caller,
        WorkflowStreams streams, ReadModels read, ReadModelSync sync, TimeProvider clock, [AsParameters] WriteOptions write, FactWriter writer,
        CancellationToken ct) =>
        writer.RecordAsync(write, async (id, org, token) =>
        {
            var e = new FieldErrors();
            var where = e.Id<BranchId>(branch, "branch");
            var when = ParsePeriod(period, "period", e);
            if (e.Any) return e.ToProblem();
            if (Known(org, where!.Value) is { } unknown) return unknown;
            if (!caller.Manages(where.Value)) return BranchScope(where.Value);
            var label = when!.Value.ToString();
            var (facts, expected) = await streams.ReadAsync(FactStreams.Notice(where.Value, label), token);
            if (Notices.Fold(facts) is not { } state) return UnknownNotice(where.Value, label);
            if (Notices.CanFinalise(state, id, clock.Today()) is { } refusal) return refusal.ToProblem("period");
            if (state.Final is { } recorded) return Draft.At(expected, recorded);
            // The final ranking is taken now, so it includes the corrections the answers led to.
            if (await sync.CatchUpAsync(write.Http, token) is { } behind) return behind;
            var lines = await SnapshotAsync(read, where.Value, when.Value, token);
            return Draft.At(expected, new NoticeFinalised(id, clock.Today(), where.Value, label, lines));
        }, ct);

    /// The branch's ranking for the period as the read models show it now; for a year, with each
    /// member's year-end grade.
    private static async Task<IReadOnlyList<NoticeLine>> SnapshotAsync(ReadModels read, BranchId branch, Period period, CancellationToken ct)
    {
        var ranking = await read.RankingAsync(RankingQuery.For(RankingScope.Branch, branch.Value, period) with { PageSize = 10_000 }, ct);
        var grades = period.Kind == PeriodKind.Year
            ? (await read.BranchEvidenceAsync(branch, period.Year, ct)).Members.Where(m => m.Appraisal is not null).ToDictionary(m => m.Member, m => m.Appraisal!)
            : [];
        return [.. ranking.Rows.Select(r => new NoticeLine(r.Rank, r.Member, r.Name, r.Points,
            grades.GetValueOrDefault(r.Member)?.Grade, grades.GetValueOrDefault(r.Member)?.GradeName))];
    }

    /// A correction is an adjustment or revocation of a member on the notice (or the objector).
    private static async Task<ApiProblem?> CheckCorrectionAsync(IFactLookup lookup, FactId correction, NoticeState state, ObjectionRaised objection, CancellationToken ct)
    {
        if (await lookup.FindAsync(correction, ct) is not { } found) return FactConsistency.UnknownFact("correction", correction, "更正记录", "correction");
        IReadOnlyList<MemberId>? concerned = found.Fact switch
        {
            ManualAdjustment a => [a.Member],
            FactRevoked r => r.Members,
            _ => null,
        };
        if (concerned is null)
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "correction", "not-a-correction",
                $"更正记录须是加减分或撤销，{correction} 是 {found.Fact.GetType().Name}。",
                $"A correction is an adjustment or a revocation; {correction} is a {found.Fact.GetType().Name}.");
        var listed = state.Notice.Lines.Select(l => l.Member).Append(objection.Member).ToHashSet();
        if (!concerned.Any(listed.Contains))
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "correction", "correction-unrelated",
                $"更正记录 {correction} 不涉及该公示上的党员。", $"Correction {correction} concerns no member on this notice.");
        return null;
    }

    private static NoticeDocument Document(Caller caller, NoticeView notice, DateOnly today)
    {
        var open = notice.Final is null && today <= notice.ObjectionsCloseOn;
        var stage = notice.Final is not null ? "final" : open ? "objections-open" : "awaiting-final";
        // A member sees the ranking and their own objections, not what others raised.
        var shown = caller.Role == Role.Member ? notice with { Objections = [.. notice.Objections.Where(o => o.Member == caller.Member)] } : notice;
        return new NoticeDocument(stage, open, shown);
    }

    private static bool InBranch(OrganisationSnapshot org, MemberId member, BranchId branch, NoticePublished notice, DateOnly today) =>
        ReadAccess.InBranchToday(org, member, branch, today) || notice.Lines.Any(l => l.Member == member);

    private static Period? ParsePeriod(string? label, string field, FieldErrors e)
    {
        if (label is null) { e.Missing(field); return null; }
        if (Notices.ParsePeriod(label) is { } period) return period;
        e.Add(field, "invalid-period", $"期间“{label}”无效，应为月（2025-06）、季度（2025-Q2）或年度（2025）。",
            $"'{label}' is not a period; use a month (2025-06), a quarter (2025-Q2) or a year (2025).");
        return null;
    }

    private static ApiProblem? Known(OrganisationSnapshot org, BranchId branch) => org.Branches.ContainsKey(branch) ? null
        : ApiProblem.Field(StatusCodes.Status404NotFound, "branch", "unknown-branch", $"支部 {branch} 不存在。", $"Branch {branch} is not registered.");

    private static ApiProblem UnknownNotice(BranchId branch, string period) => ApiProblem.Field(StatusCodes.Status404NotFound, "period", "unknown-notice",
        $"支部 {branch} 没有公示 {period}。", $"Branch {branch} has published no notice for {period}.");

    private static ApiProblem BranchScope(BranchId branch) => WorkflowProblems.Forbidden("branch-scope",
        $"只能为本人负责的支部操作，{branch} 不在其中。", $"A secretary acts for their own branches only; {branch} is not one of them.");

    private static ApiProblem NoticeScope() => WorkflowProblems.Forbidden("notice-scope",
        "只能查看本支部的公示。", "Only the branch's own members, its secretary, admins and appraisers read its notices.");
}

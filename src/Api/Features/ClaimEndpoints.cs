using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Features;

/// Member claims (申报, issue #5): a member submits their own volunteer hours, suggestion or golden idea
/// with photos or documents; the branch secretary accepts it (recording the fact that scores) or rejects
/// it with a reason. The claimant, their branch's secretary, admins and appraisers read it.
public static class ClaimEndpoints
{
    public sealed record RejectClaimRequest(string? Reason);

    public sealed record ClaimList(int Count, IReadOnlyList<ClaimView> Claims);

    private static readonly Dictionary<string, ClaimKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["VolunteerService"] = ClaimKind.VolunteerService, ["志愿服务"] = ClaimKind.VolunteerService,
        ["Suggestion"] = ClaimKind.Suggestion, ["合理化建议"] = ClaimKind.Suggestion, ["建议"] = ClaimKind.Suggestion,
        ["GoldenIdea"] = ClaimKind.GoldenIdea, ["金点子"] = ClaimKind.GoldenIdea,
    };

    private static readonly Dictionary<string, string> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = "pending", ["待审核"] = "pending", ["accepted"] = "accepted", ["已通过"] = "accepted", ["rejected"] = "rejected", ["已退回"] = "rejected",
    };

    public static RouteGroupBuilder MapClaims(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/claims").WithTags("Claims 申报");

        group.MapPost("", SubmitAsync)
            .RequireAuthorization(AccessPolicies.Member).DocumentedAsWrite(415)
            .WithMetadata(new RequestBodyLimit(app.ServiceProvider.GetRequiredService<IOptions<ClaimSettings>>().Value.MaxRequestBytes))
            // Documented here, not as Accepts metadata: that would make routing refuse other content types itself,
            // before the endpoint can say which two it takes.
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                // The form a phone sends: the same fields as the JSON body, and the files as parts.
                static OpenApiSchema Field(JsonSchemaType type, string? format = null) => new() { Type = type, Format = format };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ClaimUploads.SubmitClaimRequest), null, ct) },
                        ["multipart/form-data"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    ["kind"] = Field(JsonSchemaType.String), ["title"] = Field(JsonSchemaType.String),
                                    ["description"] = Field(JsonSchemaType.String), ["hours"] = Field(JsonSchemaType.Number),
                                    ["occurredOn"] = Field(JsonSchemaType.String, "date"),
                                    ["attachments"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Field(JsonSchemaType.String, "binary") },
                                },
                            },
                        },
                    },
                };
            })
            .RequireRateLimiting(ClaimRateLimit.Policy)
            .WithSummary("Submit a claim with attachments (multipart/form-data or JSON) 党员申报");

        group.MapGet("", ListAsync).RequireAuthorization(AccessPolicies.Reader)
            .WithSummary("Claims: a member's own, a secretary's branches', everyone's for admins and appraisers 申报列表");

        group.MapGet("/{claim}", GetAsync).RequireAuthorization(AccessPolicies.Reader).WithSummary("A claim with its attachments and decision 申报详情");

        group.MapGet("/{claim}/attachments/{sha256}", DownloadAsync).RequireAuthorization(AccessPolicies.Reader)
            .WithSummary("Download an attachment (checked against its SHA-256) 下载申报附件");

        group.MapPost("/{claim}/acceptance", (string claim, Caller caller, ReadModels read, IFactLookup lookup, WorkflowStreams streams, TimeProvider clock,
                [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            AcceptAsync(claim, caller, read, lookup, streams, clock, write, writer, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Accept a claim: records the fact that scores 申报审核通过");

        group.MapPost("/{claim}/rejection", (string claim, RejectClaimRequest body, ReadModels read, IFactLookup lookup, WorkflowStreams streams, TimeProvider clock,
                [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            RejectAsync(claim, body, read, lookup, streams, clock, write, writer, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Reject a claim with a reason 申报退回");

        return group;
    }

    /// Also the claims queue page's 通过 (Pages/Branches/Claims): one decision for both.
    internal static Task<Results<Created<FactRecorded>, ProblemHttpResult>> AcceptAsync(string claim, Caller caller, ReadModels read, IFactLookup lookup,
        WorkflowStreams streams, TimeProvider clock, WriteOptions write, FactWriter writer, CancellationToken ct) =>
        writer.RecordAsync(write, (id, _, token) => DecideAsync(claim, id, read, lookup, streams, token, (state, expected) =>
        {
            var scored = Claims.ScoredFact(state.Claim, caller.Name);
            var on = state.Decision?.FactId == id ? state.Decision.OccurredOn : clock.Today();
            return Draft.At(expected, new ClaimAccepted(id, on, state.Claim.FactId, state.Claim.Member, state.Claim.Branch, scored.FactId), scored);
        }), ct);

    /// Also the claims queue page's 退回 with its reason.
    internal static Task<Results<Created<FactRecorded>, ProblemHttpResult>> RejectAsync(string claim, RejectClaimRequest body, ReadModels read, IFactLookup lookup,
        WorkflowStreams streams, TimeProvider clock, WriteOptions write, FactWriter writer, CancellationToken ct) =>
        writer.RecordAsync(write, async (id, _, token) =>
        {
            var e = new FieldErrors();
            var reason = e.Text(body.Reason, "reason");
            if (e.Any) return e.ToProblem();
            return await DecideAsync(claim, id, read, lookup, streams, token, (state, expected) =>
            {
                var on = state.Decision?.FactId == id ? state.Decision.OccurredOn : clock.Today();
                return Draft.At(expected, new ClaimRejected(id, on, state.Claim.FactId, state.Claim.Member, state.Claim.Branch, reason!));
            });
        }, ct);

    /// Also the member's 申报 page (Pages/Members/Claims), which posts the same multipart form.
    internal static async Task<Results<Created<FactRecorded>, ProblemHttpResult>> SubmitAsync(HttpRequest request, Caller caller, IOptions<ClaimSettings> limits,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, AttachmentStore attachments, WorkflowStreams streams, ClaimGate gate,
        TimeProvider clock, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct)
    {
        if (caller.Member is not { } member) return WorkflowProblems.NotAMember().ToResult();
        var (form, invalid) = await ClaimUploads.ReadAsync(request, limits.Value, json, ct);
        AttachmentStore.Saved? saved = null;
        try
        {
            return await gate.RunAsync(member, RecordAsync, ct);
        }
        finally
        {
            if (saved is not null) await attachments.SettleAsync(saved);
        }

        Task<Results<Created<FactRecorded>, ProblemHttpResult>> RecordAsync() => writer.RecordAsync(write, async (id, org, token) =>
        {
            if (invalid is not null) return invalid;
            var e = new FieldErrors();
            ClaimKind? kind = null;
            if (form!.Kind is null) e.Missing("kind");
            else if (Kinds.TryGetValue(form.Kind.Trim(), out var k)) kind = k;
            else e.Add("kind", "unknown-value", $"申报类别“{form.Kind}”无效，可选：志愿服务、合理化建议、金点子。",
                $"'{form.Kind}' is not a kind of claim; use VolunteerService (志愿服务), Suggestion (合理化建议) or GoldenIdea (金点子).");
            var title = e.Text(form.Title, "title", max: 200);
            var description = e.Text(form.Description, "description", required: false, max: 2000) ?? "";
            var on = e.Date(form.OccurredOn, "occurredOn");
            if (kind == ClaimKind.VolunteerService && form.Hours is null) e.Missing("hours");
            if (kind is not null and not ClaimKind.VolunteerService && form.Hours is not null)
                e.Add("hours", "hours-not-expected", "只有志愿服务申报填写时长。", "Only a volunteer-service claim carries hours.");
            if (e.Any) return e.ToProblem();
            if (!org.Members.TryGetValue(member, out var entry)) return FactConsistency.UnknownMember("member", member);
            var claim = new ClaimSubmitted(id, on!.Value, member, entry.BranchOn(on.Value), kind!.Value, title!, description, form.Hours,
                [.. form.Attachments.Select(a => new ClaimAttachment(a.Name, a.Kind.MediaType, a.Content.LongLength, a.Sha256))]);
            // The member's quotas (#16 finding 2.5), on their stream as recorded; a retry of a recorded claim is not counted again.
            var (recorded, expected) = await streams.ReadRecordedAsync(FactStreams.MemberFacts(member), token);
            if (!recorded.Any(r => r.Fact.FactId == id)
                && ClaimQuota.Check(recorded, claim.Attachments.Sum(a => a.Size), clock.GetUtcNow(), limits.Value) is { } over)
            {
                request.HttpContext.Response.Headers.RetryAfter = over.RetryAfterSeconds;
                return over.Problem;
            }
            return Draft.At(expected, claim).PreparedBy(
                async t => saved = await attachments.SaveAsync(form.Attachments, t),
                t => saved is null ? Task.CompletedTask : attachments.DiscardAsync(saved, t));
        }, ct);
    }

    private static async Task<Results<Ok<ClaimList>, ProblemHttpResult>> ListAsync(string? member, string? branch, string? status, Caller caller,
        ReadModels read, OrganisationDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var e = new FieldErrors();
        var who = e.Id<MemberId>(member, "member", required: false);
        var where = e.Id<BranchId>(branch, "branch", required: false);
        string? state = null;
        if (status is not null && !Statuses.TryGetValue(status.Trim(), out state))
            e.Add("status", "unknown-value", $"状态“{status}”无效，可选：pending 待审核、accepted 已通过、rejected 已退回。",
                $"'{status}' is not a status; use pending, accepted or rejected.");
        if (e.Any) return e.ToProblem().ToResult();

        IReadOnlyCollection<BranchId>? branches = where is { } b ? [b] : null;
        switch (caller.Role)
        {
            case Role.Member:
                if (where is not null || (who is { } m && m != caller.Member) || caller.Member is null)
                    return Scope().ToResult();
                who = caller.Member;
                break;
            case Role.Secretary:
                if (where is { } asked && !caller.Branches.Contains(asked)) return Scope().ToResult();
                if (who is { } wanted && !(directory.Current.Members.TryGetValue(wanted, out var entry) && caller.Branches.Contains(entry.BranchOn(clock.Today()))))
                    return Scope().ToResult();
                branches ??= caller.Branches;
                break;
        }
        var claims = await read.ClaimsAsync(new ClaimFilter(who, branches, state), ct: ct);
        return TypedResults.Ok(new ClaimList(claims.Count, claims));
    }

    private static async Task<Results<Ok<ClaimView>, ProblemHttpResult>> GetAsync(string claim, Caller caller, ReadModels read, CancellationToken ct)
    {
        var (found, problem) = await FindReadableAsync(claim, caller, read, ct);
        return problem is null ? TypedResults.Ok(found!) : problem.ToResult();
    }

    /// Also the pages' attachment link (the page cookie, the same readers).
    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(string claim, string sha256, Caller caller, ReadModels read,
        AttachmentStore store, HttpResponse response, CancellationToken ct)
    {
        var (found, problem) = await FindReadableAsync(claim, caller, read, ct);
        if (problem is not null) return problem.ToResult();
        var attachment = found!.Attachments.FirstOrDefault(a => string.Equals(a.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
        if (attachment is null)
            return ApiProblem.Field(StatusCodes.Status404NotFound, "sha256", "unknown-attachment",
                $"申报 {claim} 没有 SHA-256 为 {sha256} 的附件。", $"Claim {claim} has no attachment with SHA-256 {sha256}.").ToResult();
        var stored = await store.ReadAsync(attachment.Sha256, ct);
        if (stored is null)
            return ApiProblem.Field(StatusCodes.Status404NotFound, "sha256", "attachment-missing",
                $"附件 {attachment.Name} 的文件不在数据库中。", $"The file of attachment {attachment.Name} is not in the database.").ToResult();
        if (!stored.Intact)
            return ApiProblem.Field(StatusCodes.Status409Conflict, "sha256", "attachment-altered",
                $"附件 {attachment.Name} 的文件已被改动：内容与申报时记录的 SHA-256 不符。",
                $"The file of attachment {attachment.Name} was altered: its content no longer matches the SHA-256 recorded with the claim.").ToResult();
        // The hash the claim event recorded (and the chain covers), so a client can check the file itself.
        response.Headers.ETag = $"\"{attachment.Sha256}\"";
        response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(attachment.Sha256))}:";
        return TypedResults.File(stored.Content, attachment.MediaType, attachment.Name);
    }

    /// The claim if the caller may read it: the claimant, their branch's secretary, admins and appraisers.
    private static async Task<(ClaimView? Claim, ApiProblem? Problem)> FindReadableAsync(string claim, Caller caller, ReadModels read, CancellationToken ct)
    {
        var e = new FieldErrors();
        var id = e.Id<FactId>(claim, "claim");
        if (e.Any) return (null, e.ToProblem());
        var found = await read.ClaimAsync(id!.Value, ct);
        if (found is null) return (null, UnknownClaim(id.Value));
        var allowed = caller.ReadsEverything()
            || (caller.Role == Role.Secretary && caller.Branches.Contains(found.Branch))
            || (caller.Role == Role.Member && caller.Member == found.Member);
        return allowed ? (found, null) : (null, Scope());
    }

    /// Finds the claim's member, reads their facts stream and decides on the claim as recorded there.
    private static async ValueTask<Draft> DecideAsync(string claim, FactId decision, ReadModels read, IFactLookup lookup, WorkflowStreams streams,
        CancellationToken ct, Func<ClaimState, Store.ExpectedRevision, Draft> decide)
    {
        var e = new FieldErrors();
        var id = e.Id<FactId>(claim, "claim");
        if (e.Any) return e.ToProblem();
        // The read model names the member; a claim it has not caught up with yet is found in the log.
        var member = (await read.ClaimAsync(id!.Value, ct))?.Member
            ?? ((await lookup.FindAsync(id.Value, ct))?.Fact as ClaimSubmitted)?.Member;
        if (member is not { } owner) return UnknownClaim(id.Value);
        var (facts, expected) = await streams.ReadAsync(FactStreams.MemberFacts(owner), ct);
        if (Claims.Fold(id.Value, facts) is not { } state) return UnknownClaim(id.Value);
        if (Claims.CanDecide(state, decision) is { } refusal) return refusal.ToProblem("claim");
        return decide(state, expected);
    }

    private static ApiProblem UnknownClaim(FactId id) => FactConsistency.UnknownFact("claim", id, "申报", "claim");

    private static ApiProblem Scope() => WorkflowProblems.Forbidden("claim-scope",
        "只能查看本人的申报；支部书记查看本支部的申报。", "A member sees their own claims; a secretary those of their own branches.");
}

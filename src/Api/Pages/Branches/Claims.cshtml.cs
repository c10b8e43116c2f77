using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 申报审核 (#20): the branch's claims queue. Each pending claim with its photos and documents, 通过
/// (records the fact that scores, as the API's acceptance) or 退回 with a reason the member reads.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class ClaimsModel(FactWriter writer, ReadModels reads, IFactLookup lookup, WorkflowStreams streams, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<ClaimView> Pending { get; private set; } = [];
    public IReadOnlyList<ClaimView> Decided { get; private set; } = [];
    public FormErrors Errors { get; private set; } = FormErrors.None;
    /// The claim whose form was refused, with the key and reason typed.
    public string? ErrorsFor { get; private set; }
    public string? FormKey { get; private set; }
    public string? Reason { get; private set; }
    public string? DoneText { get; private set; }
    public FormOutcome? Done { get; private set; }

    private BranchId _branch;
    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    public string NameOf(MemberId member) => Roster.NameOf(_org, member.Value);

    public string NewKey() => FormWrite.NewKey();

    public async Task<IActionResult> OnGetAsync(string branch, CancellationToken ct) => Load(branch) ?? await ShowAsync(ct);

    public async Task<IActionResult> OnPostAcceptAsync(string branch, string? claim, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        if (await OwnAsync(claim, ct) is { } other) return other;
        var result = await ClaimEndpoints.AcceptAsync(claim!, Caller.From(User), reads, lookup, streams, clock, new WriteOptions(HttpContext, formKey, Wait: true), writer, ct);
        return await AfterAsync(FormOutcome.Of(result, HttpContext), claim!, formKey, null, "审核通过，已计分", ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(string branch, string? claim, string? reason, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        if (await OwnAsync(claim, ct) is { } other) return other;
        var result = await ClaimEndpoints.RejectAsync(claim!, new ClaimEndpoints.RejectClaimRequest(reason), reads, lookup, streams, clock,
            new WriteOptions(HttpContext, formKey, Wait: true), writer, ct);
        return await AfterAsync(FormOutcome.Of(result, HttpContext), claim!, formKey, reason, "已退回，党员可看到退回理由", ct);
    }

    private async Task<IActionResult> AfterAsync(FormOutcome outcome, string claim, string? key, string? reason, string doneText, CancellationToken ct)
    {
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem, Labels);
            ErrorsFor = claim;
            FormKey = key;
            Reason = reason;
            Response.StatusCode = problem.Status;
        }
        else
        {
            Done = outcome;
            DoneText = doneText;
        }
        return await ShowAsync(ct);
    }

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal) { ["reason"] = "退回理由" };

    /// A claim of another branch is not this page's to decide (the API's rule: a secretary decides their own branches').
    private async Task<IActionResult?> OwnAsync(string? claim, CancellationToken ct)
    {
        if (claim is null || !Ids.TryParse<FactId>(claim, out var id)) return NotFound();
        var found = await reads.ClaimAsync(id, ct);
        return found is null ? NotFound() : found.Branch != _branch ? Forbid(PageTokenHandler.SchemeName) : null;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var all = await reads.ClaimsAsync(new ClaimFilter(Branches: [_branch]), ct: ct);
        Pending = [.. all.Where(c => c.Status == "pending")];
        Decided = [.. all.Where(c => c.Status != "pending").Take(50)];
        return Page();
    }

    private IActionResult? Load(string branch)
    {
        _org = directory.Current;
        if (this.ManagedBranch(_org, branch, out var entry) is { } refused) return refused;
        _branch = entry.Id;
        BranchName = entry.Name;
        return null;
    }
}

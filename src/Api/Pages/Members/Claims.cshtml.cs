using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Members;

/// 我的申报 (#20): a member claims their own volunteer hours, suggestion or 金点子 with photos from the
/// phone's camera or documents, through the API's claims workflow (ClaimEndpoints.SubmitAsync: the same
/// checks, quotas, attachment store and idempotency), and sees each claim's status and the reason if returned.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Reader)]
[EnableRateLimiting(ClaimRateLimit.Policy)]
public sealed class ClaimsModel(ReadModels reads, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ClaimView> Mine { get; private set; } = [];
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public FormOutcome? Outcome { get; private set; }
    public string FormKey { get; private set; } = FormWrite.NewKey();
    public string Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// What was typed, kept when the form is refused.
    public IFormCollection? Typed { get; private set; }

    public static readonly string[] FieldsOnPage = ["kind", "title", "description", "hours", "occurredOn", "attachments"];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        Caller.From(User).Member is null ? Forbid(PageTokenHandler.SchemeName) : await ShowAsync(ct);

    public async Task<IActionResult> OnPostAsync([FromServices] IOptions<ClaimSettings> limits, [FromServices] IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        [FromServices] AttachmentStore attachments, [FromServices] WorkflowStreams streams, [FromServices] ClaimGate gate, [FromServices] FactWriter writer,
        CancellationToken ct)
    {
        var me = Caller.From(User);
        if (me.Member is null) return Forbid(PageTokenHandler.SchemeName);
        var form = await Request.ReadFormAsync(ct);
        var key = form[FormWrite.KeyField].FirstOrDefault();
        var result = await ClaimEndpoints.SubmitAsync(Request, me, limits, json, attachments, streams, gate, clock, new WriteOptions(HttpContext, key, Wait: true), writer, ct);
        Outcome = FormOutcome.Of(result, HttpContext);
        if (Outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem, Labels);
            Typed = form;
            FormKey = key ?? FormKey;
            Response.StatusCode = problem.Status;
        }
        return await ShowAsync(ct);
    }

    /// An attachment of a claim the signed-in person may read (the API's rule: claimant, their secretary, admins, appraisers).
    public async Task<IActionResult> OnGetAttachmentAsync(string claim, string sha256, [FromServices] AttachmentStore store, CancellationToken ct)
    {
        var result = await ClaimEndpoints.DownloadAsync(claim, sha256, Caller.From(User), reads, store, Response, ct);
        if (result.Result is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult { StatusCode: var status })
            return status == StatusCodes.Status404NotFound ? NotFound() : Forbid(PageTokenHandler.SchemeName);
        await result.ExecuteAsync(HttpContext);
        return new EmptyResult();
    }

    public string Value(string field) => Typed?[field].FirstOrDefault() ?? "";

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal) { ["kind"] = "申报类别", ["description"] = "说明", ["occurredOn"] = "发生日期" };

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Mine = await reads.ClaimsAsync(new ClaimFilter(Caller.From(User).Member), ct: ct);
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Workflows;
using QRCoder;

namespace PointsEngine.Api.Pages.CheckIn;

/// The secretary's check-in screen: the QR code for the room, the link for the WeChat/QQ group, the list
/// filling live, hand marks, leave approval, closing, and the computed list recorded as one meeting.
/// Every act is the API's (CheckInEndpoints) through FactWriter.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Reader)]
public sealed class ManageModel(FactWriter writer, WorkflowStreams streams, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public CheckInState State { get; private set; } = null!;
    public CheckInEndpoints.CheckInDocument Document { get; private set; } = null!;
    public string BranchName { get; private set; } = "";
    public string Link { get; private set; } = "";
    public string QrSvg { get; private set; } = "";
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public FormOutcome? Outcome { get; private set; }
    public string? Done { get; private set; }
    public string NewKey() => FormWrite.NewKey();

    public async Task<IActionResult> OnGetAsync(string session, CancellationToken ct) => await LoadAsync(session, ct) ?? Page();

    public Task<IActionResult> OnPostMarkAsync(string session, string? member, string? status, string? formKey, CancellationToken ct) =>
        ActAsync(session, formKey, CheckInEndpoints.Mark(session, new CheckInEndpoints.MarkRequest(member, status), streams, clock), "已标记", ct);

    public Task<IActionResult> OnPostApproveAsync(string session, string? member, string? formKey, CancellationToken ct) =>
        ActAsync(session, formKey, CheckInEndpoints.ApproveLeave(session, member ?? "", streams, clock), "已批准请假", ct);

    public Task<IActionResult> OnPostCloseAsync(string session, string? formKey, CancellationToken ct) =>
        ActAsync(session, formKey, CheckInEndpoints.Close(session, streams, clock), "签到已结束，请核对名单后确认登记", ct);

    public Task<IActionResult> OnPostConfirmAsync(string session, string? formKey, CancellationToken ct) =>
        ActAsync(session, formKey, CheckInEndpoints.RecordMeeting(session, streams), "会议已登记", ct);

    private async Task<IActionResult> ActAsync(string session, string? formKey, BuildFact build, string done, CancellationToken ct)
    {
        if (await LoadAsync(session, ct) is { } refused) return refused;
        Outcome = await writer.RecordAsync(HttpContext, formKey, build, ct);
        if (Outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            Response.StatusCode = problem.Status;
        }
        else Done = done;
        return await LoadAsync(session, ct) ?? Page();
    }

    /// The session as recorded now; a member expected at it is sent to their own check-in page.
    private async Task<IActionResult?> LoadAsync(string session, CancellationToken ct)
    {
        var (state, _) = await CheckInEndpoints.ReadAsync(streams, session, ct);
        if (state is null) return NotFound();
        var caller = Caller.From(User);
        if (!caller.Manages(state.Opened.Branch))
            return caller.Role == Role.Member && state.InScope(caller.Member!.Value) ? Redirect($"/c/{session}")
                : this.Refuse(CheckInEndpoints.Readable(caller, state, session) ?? new ApiProblem(StatusCodes.Status403Forbidden, "branch-scope",
                    "只有本支部书记可以管理签到。", "Only the branch's secretary runs its check-in."));
        State = state;
        var org = directory.Current;
        Document = CheckInEndpoints.Document(state, org, caller);
        BranchName = org.Branches.TryGetValue(state.Opened.Branch, out var b) ? b.Name : state.Opened.Branch.Value;
        Link = $"{Request.Scheme}://{Request.Host}/c/{session}";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(Link + "?via=qr", QRCodeGenerator.ECCLevel.M);
        QrSvg = new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
        return null;
    }
}

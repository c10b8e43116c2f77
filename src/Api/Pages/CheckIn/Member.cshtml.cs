using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Workflows;
using PointsEngine.Store;

namespace PointsEngine.Api.Pages.CheckIn;

/// Where the QR code and the group's link lead (/c/{session}): a member checks in, or asks for leave before
/// the start. Signed out, the sign-in page brings them back here. The acts are the API's (CheckInEndpoints).
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Reader)]
public sealed class MemberModel(FactWriter writer, WorkflowStreams streams, TimeProvider clock) : PageModel
{
    public CheckInState State { get; private set; } = null!;
    public Caller Me { get; private set; } = null!;
    public string Via { get; private set; } = "link";
    public string FormKey { get; } = FormWrite.NewKey();
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public ApiProblem? NotExpected { get; private set; }
    public FormOutcome? Outcome { get; private set; }
    public DateTimeOffset Now { get; private set; }

    private const int MaxAttempts = 12;

    public MemberCheckedIn? Mine => Me.Member is { } m ? State.CheckedIn.GetValueOrDefault(m) : null;
    public LeaveRequested? MyLeave => Me.Member is { } m ? State.Leave.GetValueOrDefault(m) : null;
    public bool Staff => Me.Role != Role.Member;

    public async Task<IActionResult> OnGetAsync(string session, string? via, CancellationToken ct) => await LoadAsync(session, via, ct) ?? Page();

    // Only a member checks in or asks leave, and only for themselves (the API's rule: CheckInEndpoints).
    private async Task<IActionResult?> LoadForMemberAsync(string session, string? via, CancellationToken ct) =>
        await LoadAsync(session, via, ct) ?? (Staff ? Forbid(PageTokenHandler.SchemeName) : null);

    public async Task<IActionResult> OnPostCheckInAsync(string session, string? via, string? formKey, CancellationToken ct)
    {
        if (await LoadForMemberAsync(session, via, ct) is { } refused) return refused;
        return await ActAsync(session, formKey, CheckInEndpoints.CheckIn(session, new CheckInEndpoints.CheckInRequest(null, Via), Me, streams, clock), ct);
    }

    public async Task<IActionResult> OnPostLeaveAsync(string session, string? reason, string? formKey, CancellationToken ct)
    {
        if (await LoadForMemberAsync(session, null, ct) is { } refused) return refused;
        return await ActAsync(session, formKey, CheckInEndpoints.AskLeave(session, new CheckInEndpoints.LeaveRequest(null, reason ?? ""), Me, streams, clock), ct);
    }

    private async Task<IActionResult> ActAsync(string session, string? formKey, BuildFact build, CancellationToken ct)
    {
        // A room full of phones appends to one session's stream at once: a step that lost the race to another is
        // decided again on what is now recorded (the same form key, so it is still recorded once).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Outcome = await writer.RecordAsync(HttpContext, formKey, build, ct);
                break;
            }
            catch (WrongExpectedRevisionException) when (attempt < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(5, 50 * attempt), ct);
            }
        }
        if (Outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            Response.StatusCode = problem.Status;
        }
        return await LoadAsync(session, Via, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(string session, string? via, CancellationToken ct)
    {
        var (state, _) = await CheckInEndpoints.ReadAsync(streams, session, ct);
        if (state is null) return NotFound();
        Me = Caller.From(User);
        State = state;
        Now = clock.GetLocalNow();
        Via = CheckInEndpoints.Vias.Contains(via) ? via! : "link";
        // A member outside the meeting's scope sees why, on this page, rather than a bare "denied".
        if (CheckInEndpoints.Readable(Me, state, session) is { } refused)
        {
            if (Me.Role != Role.Member) return this.Refuse(refused);
            NotExpected = Me.Member is { } m ? CheckIns.OutOfScope(state, m).ToProblem("session") : refused;
            Response.StatusCode = NotExpected.Status;
        }
        return null;
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Pages.Branches;

/// 发起签到: the secretary opens a meeting for check-in; the write is the API's (CheckInEndpoints.Open).
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class CheckInModel(FactWriter writer, WorkflowStreams streams, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public const string TimeFormat = "yyyy-MM-ddTHH:mm";

    public sealed class OpenInput
    {
        public string? FormKey { get; set; }
        public string? Kind { get; set; }
        public string? Mode { get; set; }
        public string? Group { get; set; }
        public string? Topic { get; set; }
        public string? Starts { get; set; }
        public string? Ends { get; set; }
        public int? GraceMinutes { get; set; }
    }

    [BindProperty]
    public OpenInput Form { get; set; } = new();

    public string Branch { get; private set; } = "";
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<PartyGroupEntry> Groups { get; private set; } = [];
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public static readonly string[] FieldsOnPage = ["kind", "mode", "group", "topic", "starts", "ends", "graceMinutes"];

    public IActionResult OnGet(string branch)
    {
        if (Load(branch) is { } refused) return refused;
        var now = clock.GetLocalNow();
        var start = now.AddSeconds(-now.Second).AddMilliseconds(-now.Millisecond);
        Form = new OpenInput
        {
            FormKey = FormWrite.NewKey(),
            Kind = nameof(MeetingKind.GeneralMeeting),
            Mode = nameof(MeetingMode.InPerson),
            Starts = start.ToString(TimeFormat, CultureInfo.InvariantCulture),
            Ends = start.AddHours(2).ToString(TimeFormat, CultureInfo.InvariantCulture),
            GraceMinutes = 10,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string branch, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        var request = new CheckInEndpoints.OpenCheckInRequest(Form.Kind, Form.Topic ?? "", Form.Mode, Form.Group, Local(Form.Starts), Local(Form.Ends), Form.GraceMinutes);
        var outcome = await writer.RecordAsync(HttpContext, Form.FormKey, CheckInEndpoints.Open(Branch, request, streams, clock), ct);
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            Response.StatusCode = problem.Status;
            return Page();
        }
        return Redirect($"/checkins/{CheckIns.SessionOf(new Domain.Values.FactId(outcome.Recorded!.FactId))}");
    }

    /// A datetime-local field in the server's time zone (the wall clock of the branch).
    private DateTimeOffset? Local(string? value)
    {
        if (!DateTime.TryParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return null;
        return new DateTimeOffset(at, clock.LocalTimeZone.GetUtcOffset(at));
    }

    private IActionResult? Load(string branch)
    {
        var org = directory.Current;
        if (!Ids.TryParse<BranchId>(branch, out var id) || !org.Branches.TryGetValue(id, out var entry)) return NotFound();
        if (!Caller.From(User).Manages(id)) return Forbid(PageTokenHandler.SchemeName);
        Branch = id.Value;
        BranchName = entry.Name;
        Groups = [.. org.Groups.Values.Where(g => g.Branch == id).OrderBy(g => g.Id.Value, StringComparer.Ordinal)];
        return null;
    }
}

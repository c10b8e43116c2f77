using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 录入: a meeting with the whole roster on one screen, every member 出席 unless marked otherwise. A
/// 党小组会 chooses its group first (?group=) and lists only that group's members (#20 problem 3).
/// The write is the API's (MeetingEndpoints.Build, FactWriter): same checks, same idempotency.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class MeetingModel(FactWriter writer, ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public sealed class AttendanceInput
    {
        public string? Member { get; set; }
        public string? Status { get; set; }
    }

    public sealed class MeetingInput
    {
        public string? FormKey { get; set; }
        public string? OccurredOn { get; set; }
        public string? Kind { get; set; }
        public string? Mode { get; set; }
        public string? Group { get; set; }
        public string? Topic { get; set; }
        public List<AttendanceInput> Attendance { get; set; } = [];
    }

    [BindProperty]
    public MeetingInput Form { get; set; } = new();

    public string Branch { get; private set; } = "";
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<PartyGroupEntry> Groups { get; private set; } = [];
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public FormOutcome? Outcome { get; private set; }
    public Ranking? Ranking { get; private set; }
    public int Year { get; private set; }
    public string KindName => Ids.TryParseEnum<MeetingKind>(Form.Kind) is { } k ? ChineseNames.Of(k) : Form.Kind ?? "";
    public IEnumerable<string> FieldsOnPage =>
        ["occurredOn", "kind", "mode", "group", "topic", "attendance",
         .. Enumerable.Range(0, Form.Attendance.Count).SelectMany(i => new[] { $"attendance[{i}].member", $"attendance[{i}].status" })];

    private static readonly Dictionary<string, string> PageLabels = new(StringComparer.Ordinal) { ["kind"] = "会议类型" };

    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    /// The party group whose meeting this is (chosen before the list is shown), or null for the whole branch.
    public PartyGroupEntry? ChosenGroup { get; private set; }

    public IActionResult OnGet(string branch, string? group)
    {
        if (Load(branch) is { } refused) return refused;
        if (!string.IsNullOrEmpty(group))
        {
            ChosenGroup = Groups.FirstOrDefault(g => g.Id.Value == group);
            if (ChosenGroup is null) return NotFound();
        }
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        Form = new MeetingInput
        {
            FormKey = FormWrite.NewKey(),
            OccurredOn = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Kind = ChosenGroup is null ? nameof(MeetingKind.GeneralMeeting) : nameof(MeetingKind.PartyGroupMeeting),
            Mode = nameof(MeetingMode.InPerson),
            Group = ChosenGroup?.Id.Value,
            Attendance = [.. Roster.Of(_org, BranchId.Parse(Branch), today)
                .Where(m => ChosenGroup is null || m.Group == ChosenGroup.Id)
                .Select(m => new AttendanceInput { Member = m.Id.Value, Status = nameof(AttendanceStatus.Present) })],
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string branch, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        ChosenGroup = Groups.FirstOrDefault(g => g.Id.Value == Form.Group);
        DateOnly? on = DateOnly.TryParseExact(Form.OccurredOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var request = new MeetingEndpoints.RecordMeetingRequest(on, string.IsNullOrEmpty(Form.Group) ? null : Form.Group, Form.Kind, Form.Mode,
            Form.Topic ?? "", [.. Form.Attendance.Select(a => new MeetingEndpoints.AttendanceLine(a.Member, a.Status))]);
        Outcome = await writer.RecordAsync(HttpContext, Form.FormKey, (id, _, _) => ValueTask.FromResult(MeetingEndpoints.Build(id, Branch, request)), ct);
        if (Outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem, PageLabels);
            Response.StatusCode = problem.Status;
            return Page();
        }
        Year = on?.Year ?? DateOnly.FromDateTime(clock.GetLocalNow().DateTime).Year;
        Ranking = await reads.RankingAsync(RankingQuery.For(RankingScope.Branch, Branch, Period.YearOf(Year)) with { PageSize = 10_000 }, ct);
        return Page();
    }

    public int Count(string status) => Form.Attendance.Count(a => string.Equals(a.Status, status, StringComparison.OrdinalIgnoreCase));

    public string NameOf(string? member) => Roster.NameOf(_org, member);

    private IActionResult? Load(string branch)
    {
        _org = directory.Current;
        if (this.ManagedBranch(_org, branch, out var entry) is { } refused) return refused;
        Branch = entry.Id.Value;
        BranchName = entry.Name;
        Groups = [.. _org.Groups.Values.Where(g => g.Branch == entry.Id).OrderBy(g => g.Id.Value, StringComparer.Ordinal)];
        return null;
    }
}

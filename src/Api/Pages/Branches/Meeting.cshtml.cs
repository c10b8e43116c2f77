using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 录入: a meeting with the whole roster on one screen, every member 出席 unless marked otherwise. A
/// 党小组会 chooses its group first (?group=) and lists only that group's members (#20 problem 3).
/// The write is the API's (MeetingEndpoints.Build, FactWriter): same checks, same idempotency.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class MeetingModel(FactWriter writer, ReadModels reads, IFactLookup lookup, OrganisationDirectory directory, TimeProvider clock) : PageModel
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

        /// The meeting on record this form corrects (#19), and why.
        public string? Amends { get; set; }
        public string? Reason { get; set; }

        /// "This is another meeting" (same day, kind and topic as one on record).
        public bool Another { get; set; }

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

    /// Set when the form corrects a meeting on record: why it opened so (entered again, or chosen from the record list).
    public string? AmendNotice { get; private set; }
    public string KindName => Ids.TryParseEnum<MeetingKind>(Form.Kind) is { } k ? ChineseNames.Of(k) : Form.Kind ?? "";
    public IEnumerable<string> FieldsOnPage =>
        ["occurredOn", "kind", "mode", "group", "topic", "attendance", "reason", "target",
         .. Enumerable.Range(0, Form.Attendance.Count).SelectMany(i => new[] { $"attendance[{i}].member", $"attendance[{i}].status" })];

    private static readonly Dictionary<string, string> PageLabels = new(StringComparer.Ordinal) { ["kind"] = "会议类型" };

    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    /// The party group whose meeting this is (chosen before the list is shown), or null for the whole branch.
    public PartyGroupEntry? ChosenGroup { get; private set; }

    public async Task<IActionResult> OnGetAsync(string branch, string? group, string? amend, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        if (amend is not null)
        {
            if (!Ids.TryParse<FactId>(amend, out var id) || await lookup.FindAsync(id, ct) is not { Fact: MeetingHeld m } || m.Branch.Value != Branch) return NotFound();
            Form = FormOf(m);
            ChosenGroup = Groups.FirstOrDefault(g => g.Id.Value == Form.Group);
            AmendNotice = $"更正已登记的会议（{m.FactId}）：修改后填写更正原因并保存；原记录撤销、更正后的记录登记，在同一次写入中完成。";
            return Page();
        }
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
            Form.Topic ?? "", [.. Form.Attendance.Select(a => new MeetingEndpoints.AttendanceLine(a.Member, a.Status))], Form.Another);
        FactId? onRecord = null;
        Outcome = Form.Amends is { Length: > 0 } amends
            ? await AmendAsync(amends, request, ct)
            : await writer.RecordAsync(HttpContext, Form.FormKey, (id, _, token) =>
                new ValueTask<Draft>(MeetingEndpoints.BuildNewAsync(id, Branch, request, HttpContext.RequestServices, found => onRecord = found, token)), ct);
        if (onRecord is { } existing)
        {
            // #19 problem 1: the meeting is on record; what was entered becomes its correction, under a fresh form key.
            Outcome = null;
            Form.Amends = existing.Value;
            Form.FormKey = FormWrite.NewKey();
            AmendNotice = $"该会议已登记（{existing}），本次未重复登记。下面是您刚填写的内容：请填写更正原因并保存以更正该会议；若确是另一场会议，请更换主题或勾选「这是另一场会议」。";
            return Page();
        }
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

    /// The correction of the meeting <paramref name="amends"/>: revoked and recorded as entered, in one append.
    private async Task<FormOutcome> AmendAsync(string amends, MeetingEndpoints.RecordMeetingRequest request, CancellationToken ct)
    {
        if (!Ids.TryParse<FactId>(amends, out var id) || await lookup.FindAsync(id, ct) is not { Fact: MeetingHeld target } || target.Branch.Value != Branch)
            return FormOutcome.Refused(FactConsistency.UnknownFact("target", Ids.TryParse<FactId>(amends, out var unknown) ? unknown : new FactId("-")));
        AmendNotice = $"更正已登记的会议（{target.FactId}）。";
        return await writer.RecordAsync(HttpContext, Form.FormKey, async (_, _, token) =>
        {
            var e = new FieldErrors();
            var reason = e.Text(Form.Reason, "reason");
            var built = MeetingEndpoints.Build(Amendments.NextVersion(target.FactId), Branch, request);
            if (built.Fact is null || e.Any) return built.Problem is { } p && !e.Any ? p : e.ToProblem();
            return await AmendmentEndpoints.AmendAsync(lookup, HttpContext.RequestServices, target, built.Fact, reason!, DateOnly.FromDateTime(clock.GetLocalNow().DateTime), token);
        }, ct);
    }

    private static MeetingInput FormOf(MeetingHeld m) => new()
    {
        FormKey = FormWrite.NewKey(),
        OccurredOn = m.OccurredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Kind = m.Kind.ToString(),
        Mode = m.Mode.ToString(),
        Group = m.Group?.Value,
        Topic = m.Topic,
        Amends = m.FactId.Value,
        Attendance = [.. m.Attendance.Select(a => new AttendanceInput { Member = a.Member.Value, Status = a.Status.ToString() })],
    };

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

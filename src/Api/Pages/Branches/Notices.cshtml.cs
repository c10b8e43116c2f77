using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 公示 (#20): the branch's notices for whoever may read them (the API's list: its members, its secretary, admins,
/// appraisers), each linking to its page; the secretary publishes one for a month, quarter or year with its
/// objection window here (NoticeEndpoints.PublishAsync: the same checks and idempotency).
public sealed class NoticesModel(ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string Branch { get; private set; } = "";
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<NoticeEndpoints.NoticeDocument> Notices { get; private set; } = [];
    public bool MayPublish { get; private set; }
    public string FormKey { get; private set; } = FormWrite.NewKey();
    public string Kind { get; private set; } = "quarter";
    public int Year { get; private set; }
    public int Index { get; private set; }
    public string? ClosesOn { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public string? Published { get; private set; }
    public bool Replayed { get; private set; }

    public static readonly string[] FieldsOnPage = ["period", "objectionsCloseOn"];

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal) { ["objectionsCloseOn"] = "异议截止日期" };

    public async Task<IActionResult> OnGetAsync(string branch, CancellationToken ct)
    {
        // The period just ended is the usual one to publish: last quarter.
        var last = Period.Containing(Today, PeriodKind.Quarter);
        (Year, Index) = last.Index == 1 ? (last.Year - 1, 4) : (last.Year, last.Index - 1);
        return await ShowAsync(branch, ct);
    }

    public async Task<IActionResult> OnPostPublishAsync(string branch, string? kind, int? year, int? index, string? closesOn, string? formKey,
        [FromServices] WorkflowStreams streams, [FromServices] ReadModelSync sync, [FromServices] IOptions<NoticeSettings> settings,
        [FromServices] FactWriter writer, CancellationToken ct)
    {
        var me = Caller.From(User);
        if (!Ids.TryParse<BranchId>(branch, out var id) || !directory.Current.Branches.ContainsKey(id)) return NotFound();
        if (!me.Manages(id)) return Forbid(PageTokenHandler.SchemeName);
        (Kind, Year, Index, ClosesOn, FormKey) = (kind ?? "quarter", year ?? Today.Year, index ?? 1, closesOn, formKey ?? FormKey);
        var label = Kind switch
        {
            "year" => Year.ToString(CultureInfo.InvariantCulture),
            "month" => $"{Year}-{Index:00}",
            _ => $"{Year}-Q{Index}",
        };
        DateOnly? closes = DateOnly.TryParseExact(closesOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var result = await NoticeEndpoints.PublishAsync(branch, new NoticeEndpoints.PublishNoticeRequest(label, closes), me, streams, reads, sync, clock,
            settings, new WriteOptions(HttpContext, formKey, Wait: true), writer, ct);
        var outcome = FormOutcome.Of(result, HttpContext);
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem, Labels);
            Response.StatusCode = problem.Status;
        }
        else
        {
            Published = label;
            Replayed = outcome.Replayed;
            FormKey = FormWrite.NewKey();
        }
        return await ShowAsync(branch, ct);
    }

    private async Task<IActionResult> ShowAsync(string branch, CancellationToken ct)
    {
        var me = Caller.From(User);
        var org = directory.Current;
        var result = await NoticeEndpoints.ListAsync(branch, me, reads, directory, clock, ct);
        if (result.Result is not Ok<NoticeEndpoints.NoticeList> { Value: { } list }) return this.Refuse(result.Result);
        Branch = branch;
        BranchName = org.Branches[BranchId.Parse(branch)].Name;
        Notices = [.. list.Notices.OrderByDescending(n => n.Notice.PublishedOn).ThenBy(n => n.Notice.Period, StringComparer.Ordinal)];
        MayPublish = me.Manages(BranchId.Parse(branch));
        return Page();
    }

    private DateOnly Today => clock.Today();

    public static string StageName(string stage) => stage switch
    {
        "objections-open" => "异议期内",
        "awaiting-final" => "异议期已过，待确定结果",
        _ => "结果已确定",
    };
}

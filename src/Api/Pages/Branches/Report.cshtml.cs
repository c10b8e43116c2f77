using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Exporting;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 年终考核 for a branch: the summary (rank, member, total, grade, vanguard post), then each member's
/// ledger. Printable: each member starts a new page.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Viewer)]
public sealed class BranchReportModel(ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public BranchEvidence? Report { get; private set; }
    public IReadOnlyList<(int Rank, MemberEvidence Member)> Ranked { get; private set; } = [];
    public string GeneratedAt { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string branch, int? year, CancellationToken ct) =>
        await LoadAsync(branch, year, ct) ?? Page();

    /// #21: the documents the committee signs — the summary and one page per member — as a PDF ...
    public async Task<IActionResult> OnGetPdfAsync(string branch, int? year, CancellationToken ct)
    {
        if (await LoadAsync(branch, year, ct) is { } refused) return refused;
        var html = PrintDocuments.Appraisal(AppraisalDocument.Of(Report!, Today));
        return await PrintedFile.PdfAsync(html, $"年终考核-{Report!.Branch}-{Report.Year}.pdf", ct);
    }

    /// ... and as a workbook laid out for printing, with the hidden 追溯 sheet for auditors.
    public async Task<IActionResult> OnGetXlsxAsync(string branch, int? year, CancellationToken ct)
    {
        if (await LoadAsync(branch, year, ct) is { } refused) return refused;
        using var file = new MemoryStream();
        Spreadsheets.XlsxFile.Write(file, AppraisalWorkbook.Build(Report!, Today));
        return File(file.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"年终考核-{Report!.Branch}-{Report.Year}.xlsx");
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    private async Task<IActionResult?> LoadAsync(string branch, int? year, CancellationToken ct)
    {
        if (!Ids.TryParse<BranchId>(branch, out var id)) return NotFound();
        if (ReadAccess.Branch(Caller.From(User), id, directory.Current) is { } refused) return this.Refuse(refused);
        var now = clock.GetLocalNow();
        GeneratedAt = now.ToString("yyyy-MM-dd HH:mm");
        Report = await reads.BranchEvidenceAsync(id, year is >= 1900 and <= 9999 ? year.Value : now.Year, ct);
        Ranked = Report.Ranked();
        return null;
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Exporting;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Pages.Branches;

/// 公示 to be posted (#21): the branch's published ranking for a period with its objection window and how to object,
/// as a printable page (A4, readable at 390 px) or, with ?format=pdf, as a PDF. Whoever may read the notice (its
/// branch's members too, as on the ranking page) may print it.
public sealed class NoticePrintModel(IPublishedRankings published, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string branch, string period, string? format, CancellationToken ct)
    {
        var org = directory.Current;
        if (!Ids.TryParse<BranchId>(branch, out var id) || !org.Branches.TryGetValue(id, out var entry)) return NotFound();
        if (Notices.ParsePeriod(period) is not { } when) return NotFound();
        var notice = await published.PublishedAsync(id, when, ct);
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        if (!ReadAccess.Notice(Caller.From(User), org, id, notice, today)) return Forbid(PageTokenHandler.SchemeName);
        if (notice is null) return NotFound();
        var html = PrintDocuments.Notice(entry.Name, notice);
        if (format != "pdf") return Content(html, "text/html; charset=utf-8");
        return await PrintedFile.PdfAsync(html, $"公示-{id}-{notice.Period}.pdf", ct);
    }
}

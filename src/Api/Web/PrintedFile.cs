using Microsoft.AspNetCore.Mvc;
using PointsEngine.Api.Exporting;

namespace PointsEngine.Api.Web;

/// A printable document as a download from a page (#21): the PDF, or — when this server cannot print one (no
/// Chromium, no Chinese font) — a 503 that says, in both languages, what to install; the .xlsx needs neither.
public static class PrintedFile
{
    public static async Task<IActionResult> PdfAsync(string html, string fileName, CancellationToken ct)
    {
        try { return new FileContentResult(await PdfPrinter.PrintAsync(html, ct), "application/pdf") { FileDownloadName = fileName }; }
        catch (PrintUnavailableException e)
        {
            return new ContentResult { StatusCode = StatusCodes.Status503ServiceUnavailable, Content = $"{e.Zh}\n{e.En}", ContentType = "text/plain; charset=utf-8" };
        }
    }
}

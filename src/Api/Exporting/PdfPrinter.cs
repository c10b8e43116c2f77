using System.Diagnostics;

namespace PointsEngine.Api.Exporting;

/// Why a PDF could not be printed, in both languages (no browser, no Chinese font, the browser failed).
public sealed class PrintUnavailableException(string zh, string en) : Exception($"{zh} / {en}")
{
    public string Zh { get; } = zh;
    public string En { get; } = en;
}

/// Prints PrintDocuments' HTML to PDF with a headless Chromium (#21). Chosen over PDFsharp 6.2.4: PDFsharp cannot
/// load the Chinese font these machines have (Noto Sans CJK is a .ttc collection with CFF outlines; PDFsharp fails
/// in OpenTypeFontFace on it) and MigraDoc is not served, so tables, CJK line breaking, repeated header rows and page
/// breaks would all be hand-written; Chromium does them from CSS, and the PDF is the printable page itself. The cost
/// is a run-time dependency for PDF only (Debian's `chromium`, the one the browser tests use, and a CJK font):
/// without them the .xlsx and the pages still work and a PDF request says what to install.
public static class PdfPrinter
{
    /// PE_CHROMIUM names the browser when it is not at one of the usual paths.
    public const string BrowserVariable = "PE_CHROMIUM";

    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static string? FindBrowser() =>
        Environment.GetEnvironmentVariable(BrowserVariable) is { Length: > 0 } configured
            ? (File.Exists(configured) ? configured : null)
            : Candidates.FirstOrDefault(File.Exists);

    /// Refuses, with what to install, when no browser or no Chinese font is found (a PDF of boxes is worse than none).
    public static string CheckReady()
    {
        var browser = FindBrowser() ?? throw new PrintUnavailableException(
            $"生成 PDF 需要 Chromium 浏览器：请安装（apt-get install chromium）或用环境变量 {BrowserVariable} 指明其路径。Excel 工作簿（--format xlsx）不受影响。",
            $"Printing a PDF needs a Chromium browser: install it (apt-get install chromium) or name its path in {BrowserVariable}. The .xlsx workbook (--format xlsx) does not need it.");
        if (!HasChineseFont())
            throw new PrintUnavailableException(
                "生成 PDF 需要中文字体，本机未找到：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）。",
                "Printing a PDF needs a Chinese (CJK) font and none was found on this machine: install fonts-noto-cjk (apt-get install fonts-noto-cjk).");
        return browser;
    }

    public static async Task<byte[]> PrintAsync(string html, CancellationToken ct = default)
    {
        var browser = CheckReady();
        var dir = Directory.CreateTempSubdirectory("pe-print-").FullName;
        try
        {
            var page = Path.Combine(dir, "document.html");
            var pdf = Path.Combine(dir, "document.pdf");
            await File.WriteAllTextAsync(page, html, ct).ConfigureAwait(false);
            // A profile of its own per run: concurrent prints never share (and lock) one.
            var start = new ProcessStartInfo(browser)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                ArgumentList =
                {
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--no-pdf-header-footer", $"--user-data-dir={Path.Combine(dir, "profile")}",
                    $"--print-to-pdf={pdf}", new Uri(page).AbsoluteUri,
                },
            };
            using var process = Process.Start(start) ?? throw Failed("could not start");
            var stderr = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Limit);
            try { await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested) throw;
                throw Failed($"no PDF within {Limit.TotalSeconds:0} s");
            }
            if (!File.Exists(pdf) || new FileInfo(pdf).Length == 0) throw Failed($"exit {process.ExitCode}: {Tail(await stderr.ConfigureAwait(false))}");
            return await File.ReadAllBytesAsync(pdf, ct).ConfigureAwait(false);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static bool HasChineseFont()
    {
        try
        {
            using var fc = Process.Start(new ProcessStartInfo("fc-list", [":lang=zh", "family"]) { RedirectStandardOutput = true, UseShellExecute = false });
            if (fc is null) return false;
            var families = fc.StandardOutput.ReadToEnd();
            fc.WaitForExit();
            return families.Trim().Length > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no fontconfig: Chromium on Linux finds no font either
        }
    }

    private static PrintUnavailableException Failed(string why) => new(
        $"Chromium 未能生成 PDF（{why}）。", $"Chromium did not print the PDF ({why}).");

    private static string Tail(string text) => text.Length > 300 ? text[^300..] : text;
}

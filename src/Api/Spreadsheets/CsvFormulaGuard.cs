namespace PointsEngine.Api.Spreadsheets;

/// The one guard against CSV formula injection (OWASP "CSV Injection"), used by the API's CSV downloads
/// (Reading/CsvTable) and the command line's CSV files (CsvFile: export, rejects, templates) alike — #16 finding
/// 2.7: the CLI wrote cells such as "=HYPERLINK(…)" raw. Text that Excel or LibreOffice would take for a formula
/// (first character =, +, -, @, tab or carriage return) gets an apostrophe in front, so it shows as the text it
/// is. Plain numbers such as "-5" or "+2.5" stay as they are: a spreadsheet reads them as the numbers they are
/// and they cannot hold a formula. Numbers held as numbers never pass through here.
public static class CsvFormulaGuard
{
    public static string Escape(string text) =>
        StartsLikeFormula(text) && !IsPlainNumber(text) ? "'" + text : text;

    public static bool StartsLikeFormula(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// A sign, digits and at most one decimal point, nothing else (decimal.TryParse would also take trailing
    /// NULs and the like).
    private static bool IsPlainNumber(string text)
    {
        var body = text.AsSpan(text.Length > 0 && text[0] is '+' or '-' ? 1 : 0);
        var point = body.IndexOf('.');
        return body.ContainsAnyInRange('0', '9') && !body.ContainsAnyExcept("0123456789.")
            && (point < 0 || body[(point + 1)..].IndexOf('.') < 0);
    }
}

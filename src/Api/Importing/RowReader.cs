using System.Globalization;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Importing;

/// Reads one row's cells into domain values, collecting every problem by column (a secretary fixing a
/// file wants all of a row's mistakes at once).
public sealed class RowReader(LedgerRow row)
{
    private static readonly string[] DateFormats =
        ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日", "yyyyMMdd", "yyyy-M-d H:mm:ss", "yyyy/M/d H:mm:ss", "yyyy-M-d H:mm", "yyyy/M/d H:mm"];

    public LedgerRow Row => row;
    public List<ImportProblem> Problems { get; } = [];
    public bool Any => Problems.Count > 0;

    private readonly HashSet<LedgerColumn> _formulasReported = [];

    /// A problem of the row (or of one column of it); one on a cell filled from merged cells names the range.
    public void Problem(LedgerColumn? column, string code, string zh, string en, int? cites = null)
    {
        if (column is not null && row.MergedFrom(column) is { } range)
            (zh, en) = ($"{zh}（合并单元格 {range}）", $"{en} (merged cells {range})");
        var at = column?.Header;
        if (row.Grid is { } grid)
        {
            // A grid names the cell (D7) and the member and meeting; a cited row is a cell of the same meeting's column.
            at = column is null ? grid.Mark : $"{column.Header} {grid.CellOf(column)}";
            if (cites is { } n)
            {
                zh = zh.Replace($"第 {n} 行", $"单元格 {grid.Column}{n} ", StringComparison.Ordinal);
                en = System.Text.RegularExpressions.Regex.Replace(en, $@"\brow {n}\b", $"cell {grid.Column}{n}", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
                cites = null;
            }
            (zh, en) = ($"{zh}（{grid.Zh}）", $"{en} ({grid.En})");
        }
        Problems.Add(new ImportProblem(row.Source.File, row.Source.Sheet, row.Number, at, code, zh, en, cites));
    }

    /// #19 problem 4: a merged range that cannot be read rejects every row under it, naming the range.
    public void CheckMerges()
    {
        foreach (var (column, range) in row.UnreadableMerges)
            Problem(column, "merged-cells-unreadable",
                $"合并单元格 {range} 无法读取（左上角单元格为空，或合并区域内的单元格另有不同内容），该区域的所有行均未导入；请取消合并并在每行填写“{column.Header}”",
                $"the merged cells {range} cannot be read (the top-left cell is empty, or a cell under the merge holds other text), so no row under them was imported; unmerge them and fill '{column.Header}' on every row");
    }

    /// The cell's text as typed (trimmed), or null when empty. A formula saved without its computed value is
    /// reported as such (#19 problem 5), not as an empty cell.
    public string? Raw(LedgerColumn column)
    {
        if (row.IsUnreadableMerge(column)) return null; // reported by CheckMerges
        if (row[column] is { Length: > 0 } v) return v;
        if (row.IsUncomputedFormula(column) && _formulasReported.Add(column))
            Problem(column, "formula-without-value",
                $"“{column.Header}”是公式但没有计算结果，请在 Excel 中重新计算并保存",
                $"'{column.Header}' is a formula with no computed value; recalculate and save the file in Excel");
        return null;
    }

    /// A number, date or code cell: full-width digits, letters and punctuation (１２, ：, －, ．, the full-width
    /// space) read as their ASCII forms (Unicode NFKC; #19 problem 5). Text such as names and topics is kept as typed.
    public string? Code(LedgerColumn column)
    {
        return Raw(column) is { } text ? Normalised(text) : null;
    }

    /// Text NFKC-normalised and trimmed; invalid Unicode (a lone surrogate) as it is, for the parse that follows to refuse.
    public static string Normalised(string text)
    {
        try
        {
            return text.Normalize(System.Text.NormalizationForm.FormKC).Trim();
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    /// A required cell left empty; a formula without its value has been reported as such already.
    public void Missing(LedgerColumn column, string? zh = null, string? en = null)
    {
        if (row.IsUncomputedFormula(column) || row.IsUnreadableMerge(column)) return;
        Problem(column, "required", zh ?? $"“{column.Header}”不能为空", en ?? $"'{column.Header}' must not be empty");
    }

    public T? Id<T>(LedgerColumn column, bool required = true) where T : struct, IStringValue<T>
    {
        if (Code(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        try
        {
            return T.Parse(text);
        }
        catch (ArgumentException)
        {
            Problem(column, "invalid-id", $"“{Short(text)}”不是有效的编号（1–128 个字符，不含空格）", $"'{Short(text)}' is not a valid id (1–128 characters without spaces)");
            return null;
        }
    }

    public string? Text(LedgerColumn column, bool required = true, int max = 200)
    {
        if (Raw(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (text.Length > max)
            Problem(column, "too-long", $"最多 {max} 个字符（现有 {text.Length} 个）", $"at most {max} characters ({text.Length} given)");
        else if (!FieldErrors.IsStorable(text))
            Problem(column, "invalid-text", "含有控制字符或无效字符", "contains control characters or invalid Unicode");
        else return text;
        return null;
    }

    public DateOnly? Date(LedgerColumn column, bool required = true)
    {
        if (Code(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (ParseDate(text) is { } date) return date;
        Problem(column, "invalid-date", $"“{Short(text)}”不是有效日期（格式 yyyy-MM-dd，年份 1900–9999）", $"'{Short(text)}' is not a valid date (yyyy-MM-dd, year 1900–9999)");
        return null;
    }

    public static DateOnly? ParseDate(string text)
    {
        DateOnly? date = null;
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed))
            date = DateOnly.FromDateTime(parsed);
        // A date cell a CSV export left as Excel's serial number.
        else if (text.Length == 5 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial is >= 1 and < 2958466)
            date = DateOnly.FromDateTime(DateTime.FromOADate(serial));
        return date is { Year: >= 1900 and <= 9999 } ? date : null;
    }

    public TEnum? Enum<TEnum>(LedgerColumn column, bool required = true, IReadOnlyDictionary<string, TEnum>? aliases = null) where TEnum : struct, System.Enum
    {
        if (Code(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (ChineseNames.TryParse<TEnum>(text, out var value)) return value;
        if (aliases is not null && aliases.TryGetValue(text, out value)) return value;
        var allowed = string.Join(" / ", System.Enum.GetValues<TEnum>().Select(v => Chinese(v)));
        Problem(column, "unknown-value", $"“{Short(text)}”无效，可选：{allowed}", $"'{Short(text)}' is not valid; use one of {allowed} (or the English names)");
        return null;
    }

    public decimal? Decimal(LedgerColumn column, bool required = true)
    {
        if (Code(column) is not { } text)
        {
            if (required) Missing(column);
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) return value;
        Problem(column, "not-a-number", $"“{Short(text)}”不是数字", $"'{Short(text)}' is not a number");
        return null;
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Chinese<TEnum>(TEnum value) where TEnum : struct, System.Enum => ChineseNames.OfAny(value) ?? value.ToString();
}

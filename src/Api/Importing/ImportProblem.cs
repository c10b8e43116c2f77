namespace PointsEngine.Api.Importing;

/// Why a row (or a whole sheet) was not imported: the file, sheet, row and column a person fixes, and the
/// reason in Chinese and English with a stable code.
/// <paramref name="Cites"/> is the row number the reason names (an earlier duplicate, the bad row of a meeting), so the
/// rejects file can cite it by its own numbering.
public sealed record ImportProblem(string File, string? Sheet, int Row, string? Column, string Code, string Zh, string En, int? Cites = null)
{
    public string Where => $"{System.IO.Path.GetFileName(File)}{(Sheet is null ? "" : $"[{Sheet}]")} 第 {Row} 行 row {Row}{(Column is null ? "" : $" 列 column {Column}")}";

    public override string ToString() => $"{Where}: {Zh} / {En}";
}

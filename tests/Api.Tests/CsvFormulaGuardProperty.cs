using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Api.Spreadsheets;

namespace PointsEngine.Api.Tests;

/// #16 finding 2.7: the one CSV formula guard the API and the CLI share. Whatever the text, what it writes never
/// starts with a character a spreadsheet takes for a formula, unless the text is a plain number (kept as it is,
/// so -5 still reads as minus five); and it only ever adds an apostrophe in front, never changes the text.
public sealed partial class CsvFormulaGuardProperty
{
    [Fact]
    public void no_escaped_text_starts_like_a_formula_unless_it_is_a_plain_number()
    {
        var starts = Gen.Elements("=", "+", "-", "@", "\t", "\r", "'", "1", "-1", "+2.5", "-.5", "中", " ", "");
        var rests = Gen.OneOf(ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
            Gen.Elements("", "1", "0.5", "5.", "+1", "A1", "1e5", " 3", "HYPERLINK(\"http://x\")", "1,000", "٣"));
        var texts = from start in starts from rest in rests select start + rest;

        var property = Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var escaped = CsvFormulaGuard.Escape(text);
            var dangerous = escaped.Length > 0 && "=+-@\t\r".Contains(escaped[0], StringComparison.Ordinal);
            return (escaped == text || escaped == "'" + text)
                && (!dangerous || (escaped == text && PlainNumber().IsMatch(text)))
                && (escaped == text || "=+-@\t\r".Contains(text[0], StringComparison.Ordinal));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5_000).WithQuietOnSuccess(true), property);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "'\r=1+1")]
    [InlineData("-5", "-5")]
    [InlineData("+2.5", "+2.5")]
    [InlineData("张三", "张三")]
    public void each_dangerous_first_character_gets_an_apostrophe_and_numbers_stay(string text, string expected) =>
        Assert.Equal(expected, CsvFormulaGuard.Escape(text));

    [GeneratedRegex("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$")]
    private static partial Regex PlainNumber();
}

using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

public sealed class when_value_types_are_created
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    public void an_identifier_must_be_a_non_empty_word(string value)
    {
        Assert.Throws<ArgumentException>(() => new MemberId(value));
        Assert.Throws<ArgumentException>(() => new FactId(value));
    }

    [Fact]
    public void an_identifier_may_be_chinese()
    {
        Assert.Equal("机电科党支部", new BranchId("机电科党支部").Value);
    }

    [Fact]
    public void points_keep_at_most_two_decimals()
    {
        Assert.Throws<ArgumentException>(() => new Points(1.005m));
        Assert.Equal(1.01m, Points.Round(1.005m).Value); // 四舍五入, half away from zero
        Assert.Equal("2.5", new Points(2.50m).ToString());
    }

    [Theory]
    [InlineData("2025-02-15", PeriodKind.Quarter, "2025-Q1", "2025-01-01", "2025-03-31")]
    [InlineData("2025-11-30", PeriodKind.Month, "2025-11", "2025-11-01", "2025-11-30")]
    [InlineData("2024-02-29", PeriodKind.Month, "2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2025-07-01", PeriodKind.Year, "2025", "2025-01-01", "2025-12-31")]
    public void a_date_lies_in_its_month_quarter_and_year(string date, PeriodKind kind, string name, string start, string end)
    {
        var period = Period.Containing(DateOnly.Parse(date), kind);
        Assert.Equal((name, DateOnly.Parse(start), DateOnly.Parse(end)), (period.ToString(), period.Start, period.End));
    }

    [Theory]
    [InlineData(1.25, 0.5, RoundingMode.Down, 1.0)]
    [InlineData(1.75, 0.5, RoundingMode.HalfUp, 2.0)]
    [InlineData(1.2, 1, RoundingMode.Up, 2)]
    [InlineData(2.345, 0.01, RoundingMode.HalfUp, 2.35)]
    public void rounding_goes_to_a_multiple_of_the_step(decimal value, decimal step, RoundingMode mode, decimal expected)
    {
        Assert.Equal(expected, new Rounding(step, mode).Apply(value).Value);
    }

    [Fact]
    public void chinese_terms_parse_to_the_vocabulary()
    {
        Assert.True(ChineseNames.TryParse<MeetingKind>("党员大会", out var kind));
        Assert.Equal(MeetingKind.GeneralMeeting, kind);
        Assert.True(ChineseNames.TryParse<MemberCategory>("流动", out var category));
        Assert.Equal(MemberCategory.Mobile, category);
        Assert.False(ChineseNames.TryParse<AttendanceStatus>("1", out _));
    }
}

using PointsEngine.Projections.Standings;

namespace PointsEngine.Projections.Tests.Examples;

/// The organisation's member count over any dates is read from the starts and ends of membership spans
/// (runs of back-to-back periods) and the gaps between a member's spans; the spans must merge exactly the
/// periods that follow each other without a day between them.
public sealed class when_membership_spans_are_counted
{
    private static DateOnly D(int month, int day) => new(2025, month, day);

    [Fact]
    public void back_to_back_periods_make_one_span_and_a_day_between_them_makes_a_gap()
    {
        var spans = StandingsProjection.SpansOf([(D(3, 1), D(5, 31)), (D(1, 10), D(2, 20)), (D(6, 1), D(8, 14)), (D(8, 16), DateOnly.MaxValue)]);
        Assert.Equal([(D(1, 10), D(2, 20)), (D(3, 1), D(8, 14)), (D(8, 16), DateOnly.MaxValue)], spans);
    }

    [Fact]
    public void an_open_span_is_never_extended()
    {
        Assert.Equal([(D(1, 1), DateOnly.MaxValue)], StandingsProjection.SpansOf([(D(1, 1), DateOnly.MaxValue)]));
        Assert.Empty(StandingsProjection.SpansOf([]));
    }
}

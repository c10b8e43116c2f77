using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Html;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Web;

/// 积分走势: the member's running total over the year as an inline SVG drawn on the server (no script),
/// months along the x-axis, a step line (points change on the days facts happened), scaled to its box.
public static class PointsChart
{
    private const double Width = 640, Height = 240, Left = 44, Right = 12, Top = 14, Bottom = 30;

    public static IHtmlContent Render(int year, DateOnly asOf, IReadOnlyList<SeriesPoint> series)
    {
        var start = new DateOnly(year, 1, 1);
        var days = new DateOnly(year, 12, 31).DayNumber - start.DayNumber + 1;
        var end = asOf < start ? start : asOf;
        var values = series.Select(p => p.Cumulative).Append(0m).ToList();
        var (min, max) = (values.Min(), values.Max());
        if (max == min) max = min + 10;
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(DateOnly d) => Left + plotW * (d.DayNumber - start.DayNumber) / days;
        double Y(decimal v) => Top + plotH * (double)((max - v) / (max - min));
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        var last = series.Count > 0 ? series[^1].Cumulative : 0m;
        var label = $"{year} 年积分走势，累计 {Num(last)} 分";
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {F(Width)} {F(Height)}\" role=\"img\" aria-label=\"{Encoder.Encode(label)}\" data-points=\"{series.Count}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Encoder.Encode(label)}</title>");
        // Month grid and labels 1月 … 12月.
        for (var m = 1; m <= 12; m++)
        {
            var x = X(new DateOnly(year, m, 1));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{F(Top)}\" x2=\"{F(x)}\" y2=\"{F(Top + plotH)}\" class=\"grid\"/>");
            var mid = X(new DateOnly(year, m, 15));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(mid)}\" y=\"{F(Height - 10)}\" class=\"month{(m % 2 == 0 ? " even" : "")}\" text-anchor=\"middle\">{m}月</text>");
        }
        // Value axis: the extremes and zero.
        foreach (var v in new[] { min, 0m, max }.Distinct())
        {
            var y = Y(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(Left)}\" y1=\"{F(y)}\" x2=\"{F(Width - Right)}\" y2=\"{F(y)}\" class=\"{(v == 0 ? "zero" : "grid")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left - 6)}\" y=\"{F(y + 4)}\" class=\"value\" text-anchor=\"end\">{Num(v)}</text>");
        }
        // The running total: flat until a day with points, then up (or down) to the new total.
        var path = new StringBuilder();
        path.Append(CultureInfo.InvariantCulture, $"M{F(X(start))},{F(Y(0))}");
        foreach (var p in series.Where(p => p.Date.Year == year))
            path.Append(CultureInfo.InvariantCulture, $" H{F(X(p.Date))} V{F(Y(p.Cumulative))}");
        var lastDate = series.Count > 0 && series[^1].Date > end ? series[^1].Date : end;
        path.Append(CultureInfo.InvariantCulture, $" H{F(X(lastDate.Year == year ? lastDate : new DateOnly(year, 12, 31)))}");
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" class=\"line\" fill=\"none\"/>");
        foreach (var p in series.Where(p => p.Date.Year == year))
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.Date))}\" cy=\"{F(Y(p.Cumulative))}\" r=\"3\" class=\"dot\"><title>{p.Date:MM-dd} {Signed(p.Points)} → {Num(p.Cumulative)}</title></circle>");
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Num(decimal v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Signed(decimal v) => v > 0 ? "+" + Num(v) : Num(v);
}

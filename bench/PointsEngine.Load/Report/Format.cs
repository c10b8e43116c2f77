using System.Globalization;

namespace PointsEngine.Load.Report;

/// Numbers as the report prints them: thousands separated, a sensible number of digits.
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Rate(double perSecond, string unit) => $"{Count(perSecond)} {unit}/s";

    public static string Count(double value) =>
        value >= 100 ? value.ToString("N0", Invariant) : value.ToString(value >= 10 ? "N1" : "N2", Invariant);

    public static string Ms(double ms) => ms >= 100 ? $"{ms.ToString("N0", Invariant)} ms" : $"{ms.ToString(ms >= 10 ? "N1" : "N2", Invariant)} ms";

    public static string Seconds(double s) => $"{s.ToString(s >= 100 ? "N0" : "N2", Invariant)} s";

    public static string Bytes(double bytes) => bytes >= 10 * 1024
        ? $"{(bytes / 1024).ToString("N1", Invariant)} KB"
        : $"{bytes.ToString("N0", Invariant)} B";

    public static string Ratio(double ratio) => ratio >= 10 ? $"{ratio.ToString("N1", Invariant)}×" : $"{ratio.ToString("N2", Invariant)}×";

    public static string Percent(double fraction) => $"{(fraction * 100).ToString(fraction >= 0.1 ? "N0" : "N1", Invariant)} %";

    public static string Ns(double ns) => ns >= 10_000 ? $"{(ns / 1000).ToString("N1", Invariant)} µs" : $"{ns.ToString("N0", Invariant)} ns";
}

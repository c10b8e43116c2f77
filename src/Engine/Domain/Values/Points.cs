using System.ComponentModel;
using System.Globalization;

namespace PointsEngine.Domain.Values;

/// Points are decimal with at most two decimal places: volunteer hours (1.5 h × 1 point) and weighted
/// appraisal shares (80 % of 87) are fractional, and decimal keeps sums exact, so a ledger added up
/// by hand matches the engine to the cent. Rounding is always explicit (see <see cref="Rounding"/>).
[TypeConverter(typeof(PointsConverter))]
public readonly record struct Points : IComparable<Points>
{
    public const int Decimals = 2;
    public const decimal Limit = 1_000_000m;

    public static readonly Points Zero = new(0m);

    public Points(decimal value)
    {
        if (decimal.Round(value, Decimals) != value)
            throw new ArgumentException($"Points carry at most {Decimals} decimal places / 积分最多保留 {Decimals} 位小数: {value}.", nameof(value));
        if (Math.Abs(value) > Limit)
            throw new ArgumentException($"Points must lie within ±{Limit} / 积分超出范围: {value}.", nameof(value));
        Value = value;
    }

    public decimal Value { get; }

    /// Rounds half away from zero (四舍五入) to two places; for sums that may have more digits.
    public static Points Round(decimal value) => new(decimal.Round(value, Decimals, MidpointRounding.AwayFromZero));

    public static Points operator +(Points a, Points b) => new(a.Value + b.Value);
    public static Points operator -(Points a, Points b) => new(a.Value - b.Value);
    public static Points operator -(Points a) => new(-a.Value);
    public static bool operator <(Points a, Points b) => a.Value < b.Value;
    public static bool operator >(Points a, Points b) => a.Value > b.Value;
    public static bool operator <=(Points a, Points b) => a.Value <= b.Value;
    public static bool operator >=(Points a, Points b) => a.Value >= b.Value;
    public static Points Min(Points a, Points b) => a.Value <= b.Value ? a : b;
    public static Points Max(Points a, Points b) => a.Value >= b.Value ? a : b;

    public bool IsPositive => Value > 0;
    public bool IsNegative => Value < 0;

    public int CompareTo(Points other) => Value.CompareTo(other.Value);

    public static Points Parse(string s) => new(decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture));

    public override string ToString() => Value.ToString("0.##", CultureInfo.InvariantCulture);

    public static implicit operator Points(int value) => new(value);
}

public sealed class PointsConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string s ? Points.Parse(s) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is Points p ? p.ToString() : base.ConvertTo(context, culture, value, destinationType);
}

using System.ComponentModel;
using System.Globalization;

namespace PointsEngine.Domain.Values;

// Identifiers are strings chosen by the organisation (employee numbers, branch codes) or by the
// recorder (fact ids). They are written as plain JSON strings through StringValueConverter, so the
// stored events stay readable and Newtonsoft needs no converter registered.

[TypeConverter(typeof(StringValueConverter<MemberId>))]
public readonly record struct MemberId : IStringValue<MemberId>
{
    public MemberId(string value) => Value = Identifier.Validate(value, nameof(MemberId));
    public string Value { get; }
    public static MemberId Parse(string value) => new(value);
    public override string ToString() => Value;
}

[TypeConverter(typeof(StringValueConverter<BranchId>))]
public readonly record struct BranchId : IStringValue<BranchId>
{
    public BranchId(string value) => Value = Identifier.Validate(value, nameof(BranchId));
    public string Value { get; }
    public static BranchId Parse(string value) => new(value);
    public override string ToString() => Value;
}

[TypeConverter(typeof(StringValueConverter<PartyGroupId>))]
public readonly record struct PartyGroupId : IStringValue<PartyGroupId>
{
    public PartyGroupId(string value) => Value = Identifier.Validate(value, nameof(PartyGroupId));
    public string Value { get; }
    public static PartyGroupId Parse(string value) => new(value);
    public override string ToString() => Value;
}

[TypeConverter(typeof(StringValueConverter<NetworkZoneId>))]
public readonly record struct NetworkZoneId : IStringValue<NetworkZoneId>
{
    public NetworkZoneId(string value) => Value = Identifier.Validate(value, nameof(NetworkZoneId));
    public string Value { get; }
    public static NetworkZoneId Parse(string value) => new(value);
    public override string ToString() => Value;
}

[TypeConverter(typeof(StringValueConverter<FactId>))]
public readonly record struct FactId : IStringValue<FactId>, IComparable<FactId>
{
    public FactId(string value) => Value = Identifier.Validate(value, nameof(FactId));
    public string Value { get; }
    public static FactId Parse(string value) => new(value);
    // Ordinal, so the allocation order of capped points never depends on the machine's culture.
    public int CompareTo(FactId other) => string.CompareOrdinal(Value, other.Value);
    public override string ToString() => Value;
}

[TypeConverter(typeof(StringValueConverter<RuleId>))]
public readonly record struct RuleId : IStringValue<RuleId>
{
    public RuleId(string value) => Value = Identifier.Validate(value, nameof(RuleId));
    public string Value { get; }
    public static RuleId Parse(string value) => new(value);
    public override string ToString() => Value;
}

[TypeConverter(typeof(StringValueConverter<RuleSetVersion>))]
public readonly record struct RuleSetVersion : IStringValue<RuleSetVersion>
{
    public RuleSetVersion(string value) => Value = Identifier.Validate(value, nameof(RuleSetVersion));
    public string Value { get; }
    public static RuleSetVersion Parse(string value) => new(value);
    public override string ToString() => Value;
}

public interface IStringValue<TSelf> where TSelf : IStringValue<TSelf>
{
    string Value { get; }
    static abstract TSelf Parse(string value);
}

internal static class Identifier
{
    public const int MaxLength = 128;

    public static string Validate(string? value, string kind)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{kind} must not be empty / 不能为空.", nameof(value));
        if (value.Length > MaxLength)
            throw new ArgumentException($"{kind} is longer than {MaxLength} characters / 超过 {MaxLength} 个字符: '{value[..20]}…'.", nameof(value));
        foreach (var c in value)
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new ArgumentException($"{kind} '{value}' must not contain spaces or control characters / 不能包含空白或控制字符.", nameof(value));
        return value;
    }
}

/// Lets serializers (Newtonsoft reads TypeConverter) write an identifier as its plain string.
public sealed class StringValueConverter<T> : TypeConverter where T : IStringValue<T>
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string s ? T.Parse(s) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is T v ? v.Value : base.ConvertTo(context, culture, value, destinationType);
}

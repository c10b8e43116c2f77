using System.Globalization;
using Newtonsoft.Json;

namespace PointsEngine.Store;

/// A hand-written writer and reader of one event type's stored JSON, on Newtonsoft's own JsonTextWriter
/// and JsonTextReader, for the events the engine writes and reads most. The general serializer finds
/// properties by reflection and boxes every value on the way (issue #7: a quarter of the ingest's
/// garbage collections were triggered there).
///
/// A codec is only a faster route to the same text: it writes exactly what the general serializer
/// writes for the same value, and reads back what the general serializer would read. Whatever it does
/// not recognise — a property missing, repeated or unknown, a token of another kind, a name spelt
/// differently, a value it would have to convert — makes it give up, and the general serializer handles
/// that event as before (so stored events read back as they always did, errors included).
public abstract class EventCodec
{
    private protected EventCodec(string[] propertyNames)
    {
        var table = new DefaultJsonNameTable();
        foreach (var name in propertyNames) table.Add(name);
        Names = table;
    }

    /// The property names the codec reads: the reader looks names up here instead of allocating them.
    internal JsonNameTable Names { get; }

    /// Writes <paramref name="value"/>; false (nothing may be kept of what was written) to leave it to
    /// the general serializer.
    internal abstract bool TryWrite(JsonWriter writer, object value);

    /// Reads one event from a reader positioned before it; null to leave it to the general serializer.
    internal abstract object? TryRead(JsonReader reader);

    // Writing: what JsonSerializer writes for a string, a DateOnly and an enum with StringEnumConverter.

    protected static void Property(JsonWriter writer, string name, string? value)
    {
        writer.WritePropertyName(name, escape: false);
        writer.WriteValue(value);
    }

    protected static void Property(JsonWriter writer, string name, DateOnly value)
    {
        writer.WritePropertyName(name, escape: false);
        writer.WriteValue(value.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture));
    }

    // Reading: a property's value only as the very token the general serializer would take without a
    // conversion; anything else is "not mine" (false).

    protected static bool ReadString(JsonReader reader, out string value)
    {
        value = null!;
        if (!reader.Read() || reader.TokenType != JsonToken.String) return false;
        value = (string)reader.Value!;
        return true;
    }

    protected static bool ReadNullableString(JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonToken.Null) return true;
        if (reader.TokenType != JsonToken.String) return false;
        value = (string)reader.Value!;
        return true;
    }

    protected static bool ReadDate(JsonReader reader, out DateOnly value)
    {
        value = default;
        return ReadString(reader, out var text)
               && DateOnly.TryParseExact(text, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    protected static bool ReadEnum<TEnum>(JsonReader reader, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return ReadString(reader, out var text) && EnumNames<TEnum>.TryParse(text, out value);
    }

    protected static void Property<TEnum>(JsonWriter writer, string name, TEnum value) where TEnum : struct, Enum
    {
        writer.WritePropertyName(name, escape: false);
        writer.WriteValue(EnumNames<TEnum>.Of(value));
    }

    protected static bool IsDefined<TEnum>(TEnum value) where TEnum : struct, Enum => EnumNames<TEnum>.Of(value) is not null;

    /// Walks the properties of one object: <paramref name="read"/> reads the value of a known name and
    /// returns its bit (0: unknown or unreadable). Done once every bit of <paramref name="all"/> was read
    /// exactly once and the object closed.
    protected static bool ReadObject<TState>(JsonReader reader, ref TState state, int all, PropertyReader<TState> read) =>
        reader.Read() && reader.TokenType == JsonToken.StartObject && ReadProperties(reader, ref state, all, read);

    /// The same as <see cref="ReadObject{TState}"/> for a reader that has just read the object's start.
    protected static bool ReadProperties<TState>(JsonReader reader, ref TState state, int all, PropertyReader<TState> read)
    {
        var seen = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonToken.EndObject) return seen == all;
            if (reader.TokenType != JsonToken.PropertyName) return false;
            var bit = read(reader, (string)reader.Value!, ref state);
            if (bit == 0 || (seen & bit) != 0) return false;
            seen |= bit;
        }
        return false;
    }

    protected delegate int PropertyReader<TState>(JsonReader reader, string name, ref TState state);
}

/// The codec of one event type.
public abstract class EventCodec<T> : EventCodec where T : class
{
    /// <paramref name="propertyNames"/>: the names of the properties the event is stored with.
    protected EventCodec(params string[] propertyNames) : base(propertyNames) { }

    internal sealed override bool TryWrite(JsonWriter writer, object value) => TryWrite(writer, (T)value);

    internal sealed override object? TryRead(JsonReader reader) => Read(reader);

    /// Writes the whole object (start to end), or returns false before writing anything it cannot.
    protected abstract bool TryWrite(JsonWriter writer, T value);

    /// The event, or null when the text is not in a shape this codec reads.
    protected abstract T? Read(JsonReader reader);
}

/// The names StringEnumConverter writes (the member's name; the domain's enums carry no [EnumMember]),
/// and the exact names it reads back without conversion.
internal static class EnumNames<TEnum> where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>().ToDictionary(v => v, v => v.ToString());
    private static readonly Dictionary<string, TEnum> ByName =
        Enum.GetValues<TEnum>().ToDictionary(v => v.ToString(), v => v, StringComparer.Ordinal);

    public static string? Of(TEnum value) => ByValue.GetValueOrDefault(value);

    public static bool TryParse(string name, out TEnum value) => ByName.TryGetValue(name, out value);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Reading;

/// How the read models' domain values look in JSON answers: identifiers as plain strings ("m-01", not
/// {"value":"m-01"}), points as numbers, enums by name ("GeneralMeeting").
public static class DomainJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new StringValueConverterFactory());
        options.Converters.Add(new PointsConverter());
        options.Converters.Add(new JsonStringEnumConverter());
    }

    private sealed class StringValueConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type type) =>
            type.IsValueType && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStringValue<>) && i.GetGenericArguments()[0] == type);

        public override JsonConverter CreateConverter(Type type, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(StringValueConverter<>).MakeGenericType(type))!;
    }

    private sealed class StringValueConverter<T> : JsonConverter<T> where T : struct, IStringValue<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            T.Parse(reader.GetString() ?? throw new JsonException($"A {typeof(T).Name} is a string."));

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class PointsConverter : JsonConverter<Points>
    {
        public override Points Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) => new(reader.GetDecimal());

        public override void Write(Utf8JsonWriter writer, Points value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Value);
    }
}

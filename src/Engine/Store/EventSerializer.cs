using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace PointsEngine.Store;

/// An event whose stored type name this build does not know: kept as it is, never a crash.
public sealed record OpaqueEvent(string Type, string Data);

/// Maps CLR event types to stable stored names (e.g. "V1.MeetingHeld"), so renaming a class never
/// breaks reading old events, and serializes payloads with Newtonsoft.Json.
public sealed class EventSerializer
{
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = [];

    private readonly JsonSerializerSettings _settings;

    public EventSerializer() : this([]) { }

    /// <paramref name="converters"/> are added to <see cref="Settings"/>, e.g. for the domain's value types.
    public EventSerializer(IEnumerable<JsonConverter> converters)
    {
        _settings = new JsonSerializerSettings(Settings);
        foreach (var c in converters) _settings.Converters.Add(c);
        _reader = new ThreadLocal<JsonSerializer>(() =>
        {
            var serializer = JsonSerializer.CreateDefault(_settings);
            serializer.CheckAdditionalContent = true;
            return serializer;
        });
    }

    // One per thread: a serializer is not documented as safe to share.
    private readonly ThreadLocal<JsonSerializer> _reader;

    private sealed class CharPool : IArrayPool<char>
    {
        public static readonly CharPool Instance = new();
        public char[] Rent(int minimumLength) => System.Buffers.ArrayPool<char>.Shared.Rent(minimumLength);
        public void Return(char[]? array)
        {
            if (array is not null) System.Buffers.ArrayPool<char>.Shared.Return(array);
        }
    }

    public JsonSerializerSettings SerializerSettings => _settings;

    public static readonly JsonSerializerSettings Settings = new()
    {
        DateParseHandling = DateParseHandling.None,
        MissingMemberHandling = MissingMemberHandling.Ignore,
        NullValueHandling = NullValueHandling.Include,
        TypeNameHandling = TypeNameHandling.None, // never let stored data pick a CLR type
        Converters = { new StringEnumConverter() },
        Formatting = Formatting.None,
    };

    public EventSerializer Register<T>(string storedName) => Register(typeof(T), storedName);

    public EventSerializer Register(Type type, string storedName)
    {
        if (string.IsNullOrWhiteSpace(storedName)) throw new ArgumentException("A stored name must not be empty.", nameof(storedName));
        if (_byName.TryGetValue(storedName, out var existing) && existing != type)
            throw new InvalidOperationException($"Stored name '{storedName}' is already mapped to {existing.Name}.");
        if (_byType.TryGetValue(type, out var name) && name != storedName)
            throw new InvalidOperationException($"{type.Name} is already stored as '{name}'.");
        _byName[storedName] = type;
        _byType[type] = storedName;
        return this;
    }

    public string StoredNameOf(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"{type.Name} has no stored name; register it first.");

    public EventData ToEventData(Guid eventId, object @event, EventMetadata metadata) =>
        new(eventId, StoredNameOf(@event.GetType()), JsonConvert.SerializeObject(@event, _settings), metadata);

    /// The payload as its CLR type, or an <see cref="OpaqueEvent"/> when the name is unknown.
    public object Deserialize(string type, string data)
    {
        if (!_byName.TryGetValue(type, out var clr)) return new OpaqueEvent(type, data);
        // As JsonConvert.DeserializeObject does, without building a serializer from the settings and a new
        // character buffer for every event (a catch-up reads hundreds of thousands).
        using var reader = new JsonTextReader(new StringReader(data)) { ArrayPool = CharPool.Instance };
        return _reader.Value!.Deserialize(reader, clr) ?? throw new JsonSerializationException($"Event of type '{type}' has a null payload.");
    }

    public object Deserialize(RecordedEvent e) => Deserialize(e.Type, e.Data);
}

using System.Buffers;
using System.Globalization;
using System.Text;
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
    private readonly Dictionary<Type, EventCodec> _codecs = [];

    private readonly JsonSerializerSettings _settings;

    // One configured serializer for every call: JsonConvert would build a new one from the settings each
    // time (the hottest allocation of the write path). A JsonSerializer is safe to share once configured.
    private readonly JsonSerializer _writer;
    private readonly JsonSerializer _reader;

    // The text of one event is built in a per-thread buffer and copied out once.
    [ThreadStatic] private static StringBuilder? t_text;
    private const int KeptBufferChars = 16 * 1024;

    public EventSerializer() : this([]) { }

    /// <paramref name="converters"/> are added to <see cref="Settings"/>, e.g. for the domain's value types.
    public EventSerializer(IEnumerable<JsonConverter> converters)
    {
        _settings = new JsonSerializerSettings(Settings);
        foreach (var c in converters) _settings.Converters.Add(c);
        _writer = JsonSerializer.Create(_settings);
        _reader = JsonSerializer.Create(_settings);
        _reader.CheckAdditionalContent = true; // as JsonConvert.DeserializeObject does
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

    /// Registers the type with a hand-written codec for its JSON (see <see cref="EventCodec"/>).
    public EventSerializer Register<T>(string storedName, EventCodec<T> codec) where T : class
    {
        Register(typeof(T), storedName);
        _codecs[typeof(T)] = codec;
        return this;
    }

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

    /// Whether the type has a stored name (then events of it are stored as today's rows).
    public bool TryStoredNameOf(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name) =>
        _byType.TryGetValue(type, out name);

    /// Whether a stored type name is one this build reads (others come back as <see cref="OpaqueEvent"/>).
    public bool Knows(string storedName) => _byName.ContainsKey(storedName);

    public EventData ToEventData(Guid eventId, object @event, EventMetadata metadata) =>
        new(eventId, StoredNameOf(@event.GetType()), Serialize(@event), metadata);

    /// The payload as stored: the very text <c>JsonConvert.SerializeObject(value, SerializerSettings)</c> gives.
    public string Serialize(object value)
    {
        if (_codecs.TryGetValue(value.GetType(), out var codec) && TryWrite(codec, value) is { } json) return json;
        var text = t_text ?? new StringBuilder(512);
        t_text = null; // a nested call on this thread (a converter serializing) takes a buffer of its own
        text.Clear();
        using (var writer = new JsonTextWriter(new StringWriter(text, CultureInfo.InvariantCulture)))
        {
            writer.ArrayPool = CharPool.Instance;
            writer.Formatting = _writer.Formatting;
            _writer.Serialize(writer, value, null);
        }
        json = text.ToString();
        if (text.Capacity <= KeptBufferChars) t_text = text;
        return json;
    }

    // A codec writes through one JsonTextWriter per thread, kept between events: after an event's closing
    // brace the writer is back at the start of a new value, and its buffer is emptied before each event.
    [ThreadStatic] private static CodecOutput? t_codecOutput;

    private static string? TryWrite(EventCodec codec, object value)
    {
        var output = t_codecOutput ?? new CodecOutput();
        t_codecOutput = null; // not shared with a nested call, and dropped if writing throws
        output.Text.Clear();
        if (!codec.TryWrite(output.Writer, value))
        {
            t_codecOutput = output; // a codec declines before it writes anything
            return null;
        }
        var json = output.Text.ToString();
        if (output.Text.Capacity <= KeptBufferChars && output.Writer.WriteState == WriteState.Start) t_codecOutput = output;
        return json;
    }

    private sealed class CodecOutput
    {
        public readonly StringBuilder Text = new(512);
        public readonly JsonTextWriter Writer;

        public CodecOutput() => Writer = new JsonTextWriter(new StringWriter(Text, CultureInfo.InvariantCulture))
        {
            ArrayPool = CharPool.Instance,
            Formatting = Formatting.None,
        };
    }

    /// The payload as its CLR type, or an <see cref="OpaqueEvent"/> when the name is unknown.
    public object Deserialize(string type, string data)
    {
        if (!_byName.TryGetValue(type, out var clr)) return new OpaqueEvent(type, data);
        if (_codecs.TryGetValue(clr, out var codec) && TryRead(codec, data) is { } read) return read;
        using var reader = new JsonTextReader(new StringReader(data)) { ArrayPool = CharPool.Instance };
        return _reader.Deserialize(reader, clr)
               ?? throw new JsonSerializationException($"Event of type '{type}' has a null payload.");
    }

    // Null whenever the codec does not take the text as a whole (the general serializer then reads it, and
    // raises its own error for text that is not valid).
    private static object? TryRead(EventCodec codec, string data)
    {
        using var reader = new JsonTextReader(new StringReader(data))
        {
            ArrayPool = CharPool.Instance,
            PropertyNameTable = codec.Names,
            DateParseHandling = DateParseHandling.None,
        };
        try
        {
            var read = codec.TryRead(reader);
            return read is not null && !reader.Read() ? read : null; // as CheckAdditionalContent: nothing after it
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    public object Deserialize(RecordedEvent e) => Deserialize(e.Type, e.Data);
}

/// Newtonsoft's reader and writer buffers from the shared pool instead of fresh arrays per event.
internal sealed class CharPool : IArrayPool<char>
{
    public static readonly CharPool Instance = new();

    public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

    public void Return(char[]? array)
    {
        if (array is not null) ArrayPool<char>.Shared.Return(array);
    }
}

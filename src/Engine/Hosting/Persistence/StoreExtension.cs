using Akka.Actor;
using Newtonsoft.Json;
using PointsEngine.Store;

namespace PointsEngine.Engine.Persistence;

/// How the journal and snapshot-store plugins reach our <see cref="IEventStore"/>: an ActorSystem extension,
/// registered once when the system starts (see <see cref="EventStorePersistence"/>), looked up by the plugins.
public sealed class StoreExtension(IEventStore store, EventSerializer serializer, ExtendedActorSystem system) : IExtension
{
    public IEventStore Store { get; } = store;
    public EventSerializer Serializer { get; } = serializer;

    /// The plugins' payload codec: a type the event serializer knows is stored as today's rows are; any
    /// other payload (a test's string, a message holding an actor reference) through Akka's serialization.
    internal PayloadCodec Payloads { get; } = new(serializer, system);

    public static StoreExtension Of(ActorSystem system) =>
        system.GetExtension<StoreExtension>()
        ?? throw new InvalidOperationException(
            "The event-store persistence plugins need the StoreExtension: register it with " +
            "EventStorePersistence.Register (Akka.Hosting's WithEventStorePersistence does) before persisting.");
}

/// Registers a <see cref="StoreExtension"/> over a given store (extensions are found by type).
public sealed class StoreExtensionId(IEventStore store, EventSerializer serializer) : ExtensionIdProvider<StoreExtension>
{
    public override StoreExtension CreateExtension(ExtendedActorSystem system) => new(store, serializer, system);
}

/// A payload as stored text: a registered type as its stored name and JSON; anything else as the Akka
/// serializer's id, manifest and bytes.
internal sealed class PayloadCodec(EventSerializer serializer, ExtendedActorSystem system)
{
    /// The stored type name of payloads serialized by Akka (never a registered event's name).
    public const string AkkaType = "Akka.Payload";

    private sealed record AkkaPayload(int Serializer, string Manifest, string Bytes);

    public (string Type, string Data) Write(object payload)
    {
        if (serializer.TryStoredNameOf(payload.GetType(), out var name)) return (name, serializer.Serialize(payload));
        var akka = system.Serialization.FindSerializerFor(payload);
        var manifest = Akka.Serialization.Serialization.ManifestFor(akka, payload);
        var bytes = Akka.Serialization.Serialization.WithTransport(system, () => akka.ToBinary(payload));
        return (AkkaType, JsonConvert.SerializeObject(new AkkaPayload(akka.Identifier, manifest, Convert.ToBase64String(bytes)), EventSerializer.Settings));
    }

    /// Whether this build can read a payload stored under <paramref name="type"/>.
    public bool CanRead(string type) => type == AkkaType || serializer.Knows(type);

    public object Read(string type, string data)
    {
        if (type != AkkaType) return serializer.Deserialize(type, data);
        var stored = JsonConvert.DeserializeObject<AkkaPayload>(data, EventSerializer.Settings)
                     ?? throw new JsonSerializationException("An Akka payload row holds null.");
        return system.Serialization.Deserialize(Convert.FromBase64String(stored.Bytes), stored.Serializer, stored.Manifest);
    }
}

using PointsEngine.Domain;
using PointsEngine.Store;

namespace PointsEngine.Engine.Scoring;

public static class DomainSerializer
{
    /// A serializer knowing every domain event by its stable stored name.
    public static EventSerializer Create()
    {
        var serializer = new EventSerializer();
        foreach (var (type, name) in DomainEventNames.All) serializer.Register(type, name);
        return serializer;
    }
}

using PointsEngine.Domain;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Store;

namespace PointsEngine.Engine.Scoring;

public static class DomainSerializer
{
    public const string MemberSnapshotName = "Snapshot.MemberState.v1";

    /// A serializer knowing every domain event by its stable stored name, with hand-written codecs for the
    /// events written per scored activity and the meetings routed to them (they write and read the same
    /// text as the general serializer).
    public static EventSerializer Create()
    {
        var serializer = CreateGeneral();
        serializer.Register(DomainEventNames.Of(typeof(AttendanceRecorded)), new AttendanceRecordedCodec());
        serializer.Register(DomainEventNames.Of(typeof(PointsAwarded)), new PointsAwardedCodec());
        serializer.Register(DomainEventNames.Of(typeof(MeetingHeld)), new MeetingHeldCodec());
        return serializer;
    }

    /// The same names with Newtonsoft's general serializer for every type: what the codecs must agree with.
    public static EventSerializer CreateGeneral()
    {
        var serializer = new EventSerializer();
        foreach (var (type, name) in DomainEventNames.All) serializer.Register(type, name);
        // A member actor's snapshot (#17). Bump the name when MemberStateDocument changes shape: snapshots
        // under the older name are then not read, and streams are replayed whole.
        serializer.Register<MemberStateDocument>(MemberSnapshotName);
        return serializer;
    }
}

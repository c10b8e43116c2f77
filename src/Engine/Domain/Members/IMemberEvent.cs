using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// An event in a member's stream (member-{id}). The stream alone rebuilds the member's state.
public interface IMemberEvent
{
    MemberId Member { get; }
}

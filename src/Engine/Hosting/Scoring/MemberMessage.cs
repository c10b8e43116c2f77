using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Engine.Actors;
using DomainAccepted = PointsEngine.Domain.Members.Accepted;
using DomainRejected = PointsEngine.Domain.Members.Rejected;

namespace PointsEngine.Engine.Scoring;

/// A command for a member actor with the rule book and calendar as they stood at the command's place in
/// the log, so a replay decides exactly as the first run did.
public sealed record MemberMessage(MemberCommand Command, RuleBook Rules, OrganisationCalendar Calendar);

public static class MemberDecider
{
    public static readonly Decider<MemberState, MemberMessage, IMemberEvent> Instance = new(
        id => MemberScoring.Initial(new Domain.Values.MemberId(id)),
        MemberScoring.Evolve,
        (state, message) => MemberScoring.Decide(state, message.Command, message.Rules, message.Calendar) switch
        {
            DomainAccepted a => new Decision<IMemberEvent>.Accepted(a.Events) { StateAfter = a.StateAfter },
            DomainRejected r => Decision<IMemberEvent>.Reject(r.Rejection.ToString()),
            var other => throw new InvalidOperationException($"Unexpected decision {other}."),
        });
}

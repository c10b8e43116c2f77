using Akka.Actor;
using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.TestSupport;
using Xunit.Abstractions;

namespace PointsEngine.Engine.Tests.Scoring;

/// #17: a member command sent to another node, and its actor's reply, cross the wire in the serializer the
/// engine's cluster binds them to, and decide exactly as the originals do.
public sealed class a_member_command_on_the_wire(ITestOutputHelper output)
{
    [Fact]
    public async Task and_its_reply_round_trip_and_decide_as_the_originals()
    {
        var system = ActorSystem.Create("wire", EngineCluster.Config(new ActorOptions(), null,
            typeof(ActorCommand<MemberMessage>), typeof(CommandResult<MemberState, IMemberEvent>)));
        try
        {
            var member = MemberId.Parse("m-01");
            var rules = RuleBook.Of(RuleSetDocument.Parse(TypicalRules.Document()));
            var command = new ActorCommand<MemberMessage>(
                member.Value, new MemberMessage(new OpenYear(member, 2025), rules, OrganisationCalendar.AllOpen), "year-2025",
                new PointsEngine.Store.EventMetadata(DateTimeOffset.UnixEpoch, "system"));

            var (sent, commandBytes) = RoundTrip(system, command);

            var initial = MemberScoring.Initial(member);
            var before = (Accepted)MemberScoring.Decide(initial, command.Command.Command, rules, command.Command.Calendar);
            var after = (Accepted)MemberScoring.Decide(initial, sent.Command.Command, sent.Command.Rules, sent.Command.Calendar);
            Assert.Equal(Json(before.Events), Json(after.Events));
            Assert.Equal(command.CommandId, sent.CommandId);
            Assert.Equal(command.Metadata, sent.Metadata);

            CommandResult<MemberState, IMemberEvent> reply = new CommandResult<MemberState, IMemberEvent>.Accepted(
                before.Events, before.StateAfter!, new PointsEngine.Store.StreamRevision(3));
            var (answered, replyBytes) = RoundTrip(system, reply);
            var accepted = Assert.IsType<CommandResult<MemberState, IMemberEvent>.Accepted>(answered);
            Assert.Equal(before.StateAfter!.TotalIn(2025), accepted.State.TotalIn(2025));
            Assert.Equal(Json(before.Events), Json(accepted.Events));
            output.WriteLine($"a command with the typical rule book: {commandBytes:N0} bytes; its reply: {replyBytes:N0} bytes");
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static readonly PointsEngine.Store.EventSerializer Events = DomainSerializer.Create();

    private static List<string> Json(IEnumerable<IMemberEvent> events) => [.. events.Select(e => Events.Serialize(e))];

    private static (T Back, int Bytes) RoundTrip<T>(ActorSystem system, T message) where T : notnull
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        Assert.Contains("Hyperion", serializer.GetType().Name);
        var bytes = serializer.ToBinary(message);
        return ((T)serializer.FromBinary(bytes, message.GetType()), bytes.Length);
    }
}

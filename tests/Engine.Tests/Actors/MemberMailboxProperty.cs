using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Engine.Actors;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Actors;

/// The member actors' own mailbox (#17 memory) is a deque: whatever the mix of enqueues at the back, puts
/// back at the front (a stash unstashing) and takes, it answers as a plain list does.
public sealed class the_member_mailbox
{
    // An operation: 0 enqueue, 1 enqueue first, 2 take.
    private static readonly Gen<int[]> Operations = Gen.Choose(0, 2).ArrayOf();

    [Fact]
    public void behaves_as_a_list_taken_from_the_front()
    {
        PropertyRuns.Check(Prop.ForAll(Operations.ToArbitrary(), ops =>
        {
            var queue = new LinkedMessageQueue();
            var model = new LinkedList<int>();
            for (var i = 0; i < ops.Length; i++)
            {
                var envelope = new Envelope(i, ActorRefs.NoSender);
                switch (ops[i])
                {
                    case 0:
                        queue.Enqueue(ActorRefs.Nobody, envelope);
                        model.AddLast(i);
                        break;
                    case 1:
                        queue.EnqueueFirst(envelope);
                        model.AddFirst(i);
                        break;
                    default:
                        var took = queue.TryDequeue(out var e);
                        Assert.Equal(model.Count > 0, took);
                        if (took)
                        {
                            Assert.Equal(model.First!.Value, e.Message);
                            model.RemoveFirst();
                        }
                        break;
                }
                Assert.Equal(model.Count, queue.Count);
                Assert.Equal(model.Count > 0, queue.HasMessages);
            }
            while (queue.TryDequeue(out var rest))
            {
                Assert.Equal(model.First!.Value, rest.Message);
                model.RemoveFirst();
            }
            Assert.Empty(model);
        }), 200);
    }

    [Fact]
    public async Task loses_nothing_between_concurrent_senders_and_keeps_each_senders_order()
    {
        var queue = new LinkedMessageQueue();
        const int senders = 4, each = 20_000;
        var taken = new List<(int Sender, int N)>();
        var sending = Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var n = 0; n < each; n++) queue.Enqueue(ActorRefs.Nobody, new Envelope((s, n), ActorRefs.NoSender));
        })).ToArray();
        while (taken.Count < senders * each)
            if (queue.TryDequeue(out var e)) taken.Add(((int, int))e.Message);
        await Task.WhenAll(sending);
        Assert.False(queue.HasMessages);
        foreach (var bySender in taken.GroupBy(t => t.Sender))
            Assert.Equal(Enumerable.Range(0, each), bySender.Select(t => t.N));
    }
}

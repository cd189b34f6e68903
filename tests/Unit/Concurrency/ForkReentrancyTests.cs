using Functional.Parallelism;

namespace Functional.Unit.Tests.Concurrency;

/// <summary>Tests that need the fork worker idle at times: run after the parallel tests, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ForkWorkerAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Fork worker alone";
}

[Collection(ForkWorkerAlone.Name)]
public class ForkReentrancyTests
{
    [Fact]
    public void A_fork_inside_the_callers_half_of_a_fork_returns_only_after_both_its_halves_ran()
    {
        // The outer fork's first half, on the worker, waits until the inner fork (on the calling thread, which holds
        // the worker) has begun. A worker shared by both forks would lose a half, or finish the outer half and so
        // tell the inner fork it was done while its own first half had not yet run.
        var onWorker = 0;
        for (var attempt = 0; attempt < 2000 && onWorker < 10; attempt++)
        {
            using var innerBegun = new ManualResetEventSlim();
            bool outerFirstRan = false, outerFirstOnWorker = false, innerFirstDone = false, innerFirstDoneOnReturn = false;
            Fork.Invoke(
                () =>
                {
                    outerFirstOnWorker = Thread.CurrentThread.Name == "Functional fork worker";
                    innerBegun.Wait(Concurrently.DeadlockGuard);
                    outerFirstRan = true;
                },
                () =>
                {
                    Fork.Invoke(
                        () =>
                        {
                            Thread.SpinWait(20_000);   // work long enough that returning early is seen, not a timing check
                            Volatile.Write(ref innerFirstDone, true);
                        },
                        innerBegun.Set);
                    innerFirstDoneOnReturn = Volatile.Read(ref innerFirstDone);
                });
            Assert.True(outerFirstRan, $"attempt {attempt}: the outer fork returned without running its first half.");
            Assert.True(innerFirstDoneOnReturn, $"attempt {attempt}: the inner fork returned before its first half finished.");
            onWorker += outerFirstOnWorker ? 1 : 0;
        }
        Assert.True(onWorker > 0, "no attempt ran the outer fork on the worker (other tests held it every time), so nothing was tested.");
    }
}

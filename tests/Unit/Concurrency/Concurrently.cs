namespace Functional.Unit.Tests.Concurrency;

/// <summary>
/// Runs work on several dedicated threads that start every round together (a barrier), so the calls really overlap.
/// Dedicated threads rather than pool tasks: a pool on two cores would start eight blocking workers one by one.
/// </summary>
internal static class Concurrently
{
    /// <summary>Only against a deadlock: far longer than any of these tests takes, even beside CPU burners (tests/under-load.sh).</summary>
    public static readonly TimeSpan DeadlockGuard = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Calls <paramref name="work"/>(thread, round) on <paramref name="threads"/> threads for <paramref name="rounds"/>
    /// rounds and returns the results as [thread][round]. A failure on any thread surfaces as an AggregateException.
    /// </summary>
    public static T[][] Run<T>(int threads, int rounds, Func<int, int, T> work)
    {
        var results = new T[threads][];
        using var barrier = new Barrier(threads);
        var tasks = Enumerable.Range(0, threads).Select(thread => Task.Factory.StartNew(
            () =>
            {
                results[thread] = new T[rounds];
                try
                {
                    for (var round = 0; round < rounds; round++)
                    {
                        barrier.SignalAndWait();
                        results[thread][round] = work(thread, round);
                    }
                }
                catch
                {
                    barrier.RemoveParticipant();   // the others' later rounds must not wait for this thread
                    throw;
                }
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        if (!Task.WaitAll(tasks, DeadlockGuard))
        {
            Assert.Fail($"{threads} threads × {rounds} rounds did not finish within {DeadlockGuard}: a deadlock.");
        }
        return results;
    }

    /// <summary>Each function once, all on threads of their own started together.</summary>
    public static T[] Run<T>(params Func<T>[] work) => [.. Run(work.Length, 1, (thread, _) => work[thread]()).Select(r => r[0])];
}

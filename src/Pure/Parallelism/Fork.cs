using System.Diagnostics;

namespace Functional.Parallelism;

/// <summary>
/// Runs two pieces of work at once: the second on the calling thread, the first on a dedicated worker that spins
/// briefly between jobs. A training step forks several times, tens of microseconds apart; waking a sleeping pool
/// thread each time costs about as much as the work saved, a spinning worker does not. Which thread runs a piece
/// never changes what it computes, so results are the same either way.
/// </summary>
internal static class Fork
{
    // How long the worker spins for the next job before it sleeps: longer than the gaps inside a step.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;   // 200 µs

    private static readonly object Gate = new();
    private static readonly SemaphoreSlim Wake = new(0);
    private static Action? _job;
    private static Exception? _failure;
    private static volatile int _done;
    private static Thread? _worker;

    [ThreadStatic]
    private static bool _isWorker;

    /// <summary>Runs <paramref name="first"/> and <paramref name="second"/> concurrently and returns when both are done.</summary>
    public static void Invoke(Action first, Action second)
    {
        // Nested forks, a busy worker (another thread is forking) or one processor: run them as Parallel.Invoke would.
        // A fork inside the calling thread's half must not re-enter the gate (a monitor lets its owner in again): it
        // would hand the worker a second job while the first runs, and the first "done" would answer for both.
        if (_isWorker || Environment.ProcessorCount == 1 || Monitor.IsEntered(Gate) || !Monitor.TryEnter(Gate))
        {
            Parallel.Invoke(first, second);
            return;
        }
        try
        {
            EnsureWorker();
            _failure = null;
            _done = 0;
            Volatile.Write(ref _job, first);
            Wake.Release();
            Exception? mine = null;
            try
            {
                second();
            }
            catch (Exception e)
            {
                mine = e;
            }
            // Wait for the worker even when this half failed: the next fork must find it idle.
            var spinner = new SpinWait();
            while (_done == 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            if (mine is not null || _failure is not null)
            {
                throw new AggregateException(new[] { _failure, mine }.OfType<Exception>());
            }
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void EnsureWorker()
    {
        if (_worker is not null)
        {
            return;
        }
        _worker = new Thread(Work) { IsBackground = true, Name = "Functional fork worker" };
        _worker.Start();
    }

    private static void Work()
    {
        _isWorker = true;
        while (true)
        {
            // Spin a while for the next job, then sleep until one comes.
            var deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _job) is null && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(20);
            }
            Wake.Wait();
            var job = Interlocked.Exchange(ref _job, null)!;
            try
            {
                job();
            }
            catch (Exception e)
            {
                _failure = e;
            }
            _done = 1;
        }
    }
}

using Functional.Parallelism;

namespace Functional.Unit.Tests.Parallelism;

public class ForkTests
{
    [Fact]
    public void Both_halves_run_and_the_call_returns_after_both()
    {
        for (var i = 0; i < 1000; i++)
        {
            int first = 0, second = 0;
            Fork.Invoke(() => first = i, () => second = -i);
            Assert.Equal((i, -i), (first, second));
        }
    }

    [Fact]
    public void A_failure_in_either_half_surfaces_and_the_next_fork_still_works()
    {
        var fromWorker = Assert.Throws<AggregateException>(() => Fork.Invoke(() => throw new InvalidOperationException("first"), () => { }));
        Assert.Equal("first", Assert.Single(fromWorker.InnerExceptions).Message);
        var fromCaller = Assert.Throws<AggregateException>(() => Fork.Invoke(() => Thread.Sleep(5), () => throw new InvalidOperationException("second")));
        Assert.Equal("second", Assert.Single(fromCaller.InnerExceptions).Message);
        var both = Assert.Throws<AggregateException>(() => Fork.Invoke(() => throw new ArgumentException("a"), () => throw new ArgumentException("b")));
        Assert.Equal(2, both.InnerExceptions.Count);
        var ran = false;
        Fork.Invoke(() => ran = true, () => { });
        Assert.True(ran);
    }

    [Fact]
    public void Forks_from_several_threads_at_once_and_nested_forks_all_complete()
    {
        var totals = new long[4];
        Parallel.For(0, totals.Length, t =>
        {
            for (var i = 0; i < 300; i++)
            {
                long a = 0, b = 0, c = 0;
                Fork.Invoke(() => Fork.Invoke(() => a = i, () => c = 2 * i), () => b = i);
                totals[t] += a + b + c;
            }
        });
        Assert.All(totals, total => Assert.Equal(4L * 299 * 300 / 2, total));
    }
}

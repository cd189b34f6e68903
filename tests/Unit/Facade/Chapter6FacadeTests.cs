using Functional.Facade;
using Functional.Facade.Data;
using Functional.Facade.Training;
using Functional.Initializers;
using Functional.Optimizers;
using Functional.Training;

namespace Functional.Unit.Tests.Facade;

public sealed class Chapter6FacadeTests : IDisposable
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-ch6-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Model Net() => NetworkBuilder.Create(7, new He())
        .Affine(784, 24).BatchNorm().Tanh().Dropout(0.25)
        .Affine(24, 16).BatchNorm().LeakyRelu().Dropout(0.25)
        .Affine(16, 10).SoftmaxWithLoss().Build();

    [Fact]
    public void The_builder_makes_BatchNorm_Dropout_tanh_and_leaky_ReLU_networks()
    {
        var model = Net();
        Assert.Equal("Affine(784→24) BatchNorm Tanh Dropout(0.25) Affine(24→16) BatchNorm LeakyRelu Dropout(0.25) Affine(16→10) SoftmaxWithLoss", model.ToString());
        Assert.Contains("gamma1", model.Parameters.Keys);
        Assert.Contains("var2", model.Parameters.Keys);
    }

    [Theory]
    [InlineData("BatchNorm follows 1 of the 2 hidden Affine layers")]
    [InlineData("Dropout follows 2 of the 2 hidden activations with ratios 0.1, 0.2")]
    [InlineData("layer 2 (Dropout(0.1)): Dropout must follow an activation, not Affine")]
    public void Misplaced_BatchNorm_or_Dropout_is_refused_naming_it(string message)
    {
        var builder = message switch
        {
            _ when message.StartsWith("BatchNorm", StringComparison.Ordinal) =>
                NetworkBuilder.Create(1).Affine(4, 3).BatchNorm().Relu().Affine(3, 3).Relu().Affine(3, 2).SoftmaxWithLoss(),
            _ when message.StartsWith("Dropout", StringComparison.Ordinal) =>
                NetworkBuilder.Create(1).Affine(4, 3).Relu().Dropout(0.1).Affine(3, 3).Relu().Dropout(0.2).Affine(3, 2).SoftmaxWithLoss(),
            _ => NetworkBuilder.Create(1).Affine(4, 3).Dropout(0.1).Relu().Affine(3, 2).SoftmaxWithLoss(),
        };
        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_with_Adam_and_a_schedule_computes_what_the_training_fold_does()
    {
        var options = new TrainingOptions(Steps: 60, BatchSize: 20, LearningRate: 0.002, Seed: 7, Optimizer: new Adam(),
            Schedule: "cosine", WeightDecay: 1e-4, ClipNorm: 10);
        var trainer = new Trainer(Net());
        trainer.Fit(Data.Train, Data.Test, options);

        var config = new TrainConfig(60, 20, 0.002, 7, optimizer: new Adam(), schedule: "cosine", weightDecay: 1e-4, clipNorm: 10, initializer: new He());
        var expected = TrainingRun.Run(trainer.Model.Network, Data.Train, Data.Test, config);
        Assert.Equal(expected.State.Params, trainer.State.Params);
        Assert.Equal(expected.State.Optimizer, trainer.State.Optimizer);
        Assert.Equal(60, trainer.State.Optimizer.Count);
    }

    [Fact]
    public void A_saved_BatchNorm_and_Dropout_model_loads_and_predicts_the_same()
    {
        var trainer = new Trainer(Net());
        trainer.Fit(Data.Train, new TrainingOptions(Steps: 30, BatchSize: 20, LearningRate: 0.01, Seed: 7, Optimizer: new Momentum()));
        var path = Path.Combine(_directory, "model.safetensors");
        trainer.Model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(trainer.Model.Network, loaded.Network);
        Assert.Equal(trainer.Model.Scores(Data.Test.Batch([0, 1, 2, 3]).X), loaded.Scores(Data.Test.Batch([0, 1, 2, 3]).X));
    }
}
